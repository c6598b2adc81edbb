package dev.xent.spark;

import java.util.function.Function;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.types.StructType;

/** One function of {@link XentCatalog} before Spark binds it to argument types: a name, a description, a binder. */
final class CatalogFunction implements UnboundFunction {
    private final String name;
    private final String description;
    private final Function<StructType, BoundFunction> binder;

    CatalogFunction(String name, String description, Function<StructType, BoundFunction> binder) {
        this.name = name;
        this.description = description;
        this.binder = binder;
    }

    @Override
    public BoundFunction bind(StructType inputType) {
        return binder.apply(inputType);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String name() {
        return name;
    }
}
