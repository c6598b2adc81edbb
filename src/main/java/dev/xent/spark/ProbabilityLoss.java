package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code xent.loss(logits, probabilities [, options])} bound to {@code array<float>} or {@code array<double>}
 * logits and a row of target probabilities (Spark casts {@code array<float>} to {@code array<double>}, exactly):
 * PyTorch's per-row loss for probability ("soft") targets, as {@code xent_loss}, through magic {@code invoke}
 * methods (see {@link IndexLoss}). Null logits or probabilities, a null element without a NaN beside it, or a row
 * of another length fail the query with the core's {@link dev.xent.core.InvalidRowException}; a non-negative
 * ignore index is refused (PyTorch's rule for probability targets).
 */
public final class ProbabilityLoss implements ScalarFunction<Double>, Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean floatLogits;
    private final boolean withOptions;
    private final RowLosses rows;

    ProbabilityLoss(boolean floatLogits, boolean withOptions, CrossEntropyOptions defaults) {
        this.floatLogits = floatLogits;
        this.withOptions = withOptions;
        this.rows = new RowLosses(defaults);
    }

    /** The loss of one row under the session's options. */
    public double invoke(ArrayData logits, ArrayData probabilities) {
        return loss(logits, probabilities, rows.options(null));
    }

    /** The loss of one row under the call's options. */
    public double invoke(ArrayData logits, ArrayData probabilities, MapData options) {
        return loss(logits, probabilities, rows.options(options));
    }

    private double loss(ArrayData logits, ArrayData probabilities, CrossEntropyOptions o) {
        if (floatLogits) {
            float[] x = rows.floats(logits);
            return rows.kernel(o, x == null ? 0 : x.length).loss(x, rows.probabilities(probabilities));
        }
        double[] x = rows.doubles(logits);
        return rows.kernel(o, x == null ? 0 : x.length).loss(x, rows.probabilities(probabilities));
    }

    @Override
    public DataType[] inputTypes() {
        DataType logits = floatLogits ? CatalogArguments.FLOATS : CatalogArguments.DOUBLES;
        return withOptions ? new DataType[] {logits, CatalogArguments.DOUBLES, CatalogArguments.OPTIONS}
                : new DataType[] {logits, CatalogArguments.DOUBLES};
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
        return "xent.loss(" + (floatLogits ? "array<float>" : "array<double>") + ", array<double>"
                + (withOptions ? ", map<string,string>)" : ")");
    }
}
