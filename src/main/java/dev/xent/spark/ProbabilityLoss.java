package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;

/**
 * {@code xent.loss(logits, probabilities [, options])} bound to {@code array<float>} or {@code array<double>}
 * logits and a row of target probabilities (Spark casts {@code array<float>} to {@code array<double>}, exactly):
 * PyTorch's per-row loss for probability ("soft") targets, as {@code xent_loss}, through magic {@code invoke}
 * methods (see {@link IndexLoss}). Null logits or probabilities, a null element without a NaN beside it, or a row
 * of another length fail the query with the core's {@link dev.xent.core.InvalidRowException}; a non-negative
 * ignore index is refused (PyTorch's rule for probability targets).
 */
public final class ProbabilityLoss extends LossFunction {
    private static final long serialVersionUID = 1L;

    ProbabilityLoss(boolean floatLogits, boolean withOptions, CrossEntropyOptions defaults) {
        super(floatLogits, CatalogArguments.DOUBLES, withOptions, defaults);
    }

    /** The loss of one row under the session's options. */
    public double invoke(ArrayData logits, ArrayData probabilities) {
        return probabilityLoss(logits, probabilities, null);
    }

    /** The loss of one row under the call's options. */
    public double invoke(ArrayData logits, ArrayData probabilities, MapData options) {
        return probabilityLoss(logits, probabilities, options);
    }
}
