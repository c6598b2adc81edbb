package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * What the bindings of {@code xent.loss(logits, target [, options])} share ({@link IndexLoss},
 * {@link NullableTargetLoss}, {@link ProbabilityLoss}): the logits' element type, the target's type, whether the
 * call ends with an options map, the row reader and kernels ({@link RowLosses}), the per-row loss for a class
 * index or a row of probabilities, and the function's signature (a non-null {@code double}). The subclasses add
 * only how Spark calls them: magic {@code invoke} methods, or {@code produceResult}.
 */
abstract class LossFunction implements ScalarFunction<Double>, TakesCallOptions, Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean floatLogits;
    private final DataType target;
    private final boolean withOptions;
    private final RowLosses rows;

    LossFunction(boolean floatLogits, DataType target, boolean withOptions, CrossEntropyOptions defaults) {
        this.floatLogits = floatLogits;
        this.target = target;
        this.withOptions = withOptions;
        this.rows = new RowLosses(defaults);
    }

    @Override
    public final CrossEntropyOptions callOptions(MapData options) {
        return rows.options(options);
    }

    /** The loss of a row with a class index; {@code options}: the call's map, or null for the session's. */
    final double indexLoss(ArrayData logits, long target, MapData options) {
        CrossEntropyOptions o = rows.options(options);
        if (floatLogits) {
            float[] x = rows.floats(logits);
            return rows.kernel(o, x == null ? 0 : x.length).loss(x, target);
        }
        double[] x = rows.doubles(logits);
        return rows.kernel(o, x == null ? 0 : x.length).loss(x, target);
    }

    /** The loss of a row with target probabilities; {@code options}: the call's map, or null for the session's. */
    final double probabilityLoss(ArrayData logits, ArrayData probabilities, MapData options) {
        CrossEntropyOptions o = rows.options(options);
        if (floatLogits) {
            float[] x = rows.floats(logits);
            return rows.kernel(o, x == null ? 0 : x.length).loss(x, rows.probabilities(probabilities));
        }
        double[] x = rows.doubles(logits);
        return rows.kernel(o, x == null ? 0 : x.length).loss(x, rows.probabilities(probabilities));
    }

    @Override
    public final DataType[] inputTypes() {
        DataType logits = floatLogits ? CatalogArguments.FLOATS : CatalogArguments.DOUBLES;
        return withOptions ? new DataType[] {logits, target, CatalogArguments.OPTIONS}
                : new DataType[] {logits, target};
    }

    @Override
    public final DataType resultType() {
        return DataTypes.DoubleType;
    }

    @Override
    public final boolean isResultNullable() {
        return false;
    }

    @Override
    public final String name() {
        return "loss";
    }

    @Override
    public final String canonicalName() {
        return "xent.loss(" + (floatLogits ? "array<float>" : "array<double>") + ", " + target.simpleString()
                + (withOptions ? ", map<string,string>)" : ")");
    }
}
