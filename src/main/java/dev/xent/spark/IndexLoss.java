package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code xent.loss(logits, target [, options])} bound to {@code array<float>} or {@code array<double>} logits and
 * a class index (Spark casts {@code tinyint}, {@code smallint} and {@code int} to {@code bigint}): PyTorch's per-row
 * loss, as {@code xent_loss} ({@link RowLosses}, {@link dev.xent.core.CrossEntropy}). Spark calls the magic
 * {@code invoke} methods from generated code: no element and no result is boxed. An ignored row gives 0; an
 * invalid row (null logits, a null element without a NaN beside it, a length other than C, a target out of range)
 * fails the query with the core's {@link dev.xent.core.InvalidRowException}. NaN and infinite logits give PyTorch's
 * NaN or infinite loss.
 *
 * <p>Spark hands a magic method's {@code long} argument no null: for a null target it returns NULL without calling
 * it. So this class is bound only when the target column cannot be null; otherwise {@link NullableTargetLoss} is,
 * which sees the null and fails the row as every other path does.
 */
public final class IndexLoss implements ScalarFunction<Double>, Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean floatLogits;
    private final boolean withOptions;
    private final RowLosses rows;

    IndexLoss(boolean floatLogits, boolean withOptions, CrossEntropyOptions defaults) {
        this.floatLogits = floatLogits;
        this.withOptions = withOptions;
        this.rows = new RowLosses(defaults);
    }

    /** The loss of one row under the session's options. */
    public double invoke(ArrayData logits, long target) {
        return loss(logits, target, rows.options(null));
    }

    /** The loss of one row under the call's options. */
    public double invoke(ArrayData logits, long target, MapData options) {
        return loss(logits, target, rows.options(options));
    }

    /** The loss of one row; {@code options}: the call's map, or null. */
    double loss(ArrayData logits, long target, MapData options) {
        return loss(logits, target, rows.options(options));
    }

    private double loss(ArrayData logits, long target, CrossEntropyOptions o) {
        if (floatLogits) {
            float[] x = rows.floats(logits);
            return rows.kernel(o, x == null ? 0 : x.length).loss(x, target);
        }
        double[] x = rows.doubles(logits);
        return rows.kernel(o, x == null ? 0 : x.length).loss(x, target);
    }

    @Override
    public DataType[] inputTypes() {
        DataType logits = floatLogits ? CatalogArguments.FLOATS : CatalogArguments.DOUBLES;
        return withOptions ? new DataType[] {logits, DataTypes.LongType, CatalogArguments.OPTIONS}
                : new DataType[] {logits, DataTypes.LongType};
    }

    @Override
    public DataType resultType() {
        return DataTypes.DoubleType;
    }

    @Override
    public boolean isResultNullable() {
        return false;
    }

    @Override
    public String name() {
        return "loss";
    }

    @Override
    public String canonicalName() {
        return "xent.loss(" + (floatLogits ? "array<float>" : "array<double>") + ", bigint"
                + (withOptions ? ", map<string,string>)" : ")");
    }
}
