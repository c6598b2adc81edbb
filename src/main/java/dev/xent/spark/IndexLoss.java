package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
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
public final class IndexLoss extends LossFunction {
    private static final long serialVersionUID = 1L;

    IndexLoss(boolean floatLogits, boolean withOptions, CrossEntropyOptions defaults) {
        super(floatLogits, DataTypes.LongType, withOptions, defaults);
    }

    /** The loss of one row under the session's options. */
    public double invoke(ArrayData logits, long target) {
        return indexLoss(logits, target, null);
    }

    /** The loss of one row under the call's options. */
    public double invoke(ArrayData logits, long target, MapData options) {
        return indexLoss(logits, target, options);
    }
}
