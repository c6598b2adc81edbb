package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.NonFiniteValues;
import org.apache.spark.sql.api.java.UDF2;

/**
 * Why a row is rejected ({@code (logits, target) -> reason}), or null for a row the aggregate scores: the same
 * decisions as {@link LossAggregator} under the same {@link RowPolicy}.
 */
final class RowProblemFunction implements UDF2<Object, Object, String> {
    private static final long serialVersionUID = 1L;

    /** The reason given to rows rejected for holding a NaN or an infinity. */
    static final String NON_FINITE = "logits or probabilities hold a NaN or an infinity";

    private final RowLossFunction loss;
    private final SequenceLossFunction sequenceLoss;
    private final boolean rejectNonFinite;

    private final LogitsEncoding encoding;

    RowProblemFunction(CrossEntropyOptions options, int classes, boolean rejectNonFinite, LogitsEncoding encoding) {
        this.loss = new RowLossFunction(options, classes, encoding);
        this.sequenceLoss = new SequenceLossFunction(options, classes);
        this.rejectNonFinite = rejectNonFinite;
        this.encoding = encoding;
    }

    /** A language-model row: nested logits, or an array of class indices. */
    private static boolean isSequence(Object logits, Object target) {
        if (logits instanceof scala.collection.Seq && ((scala.collection.Seq<?>) logits).nonEmpty()) {
            return ((scala.collection.Seq<?>) logits).head() instanceof scala.collection.Seq;
        }
        if (target instanceof scala.collection.Seq && ((scala.collection.Seq<?>) target).nonEmpty()) {
            Object first = ((scala.collection.Seq<?>) target).head();
            return first instanceof Long || first instanceof Integer || first instanceof Short || first instanceof Byte;
        }
        return false;
    }

    @Override
    public String call(Object logits, Object target) {
        try {
            if (isSequence(logits, target)) {
                sequenceLoss.call(logits, target);
                return null;
            }
            if (rejectNonFinite) {
                double[] x = RowValues.doubles(logits, "logits", encoding);
                double[] p = target instanceof Number ? null : RowValues.doubles(target, "probabilities");
                if (NonFiniteValues.any(x) || NonFiniteValues.any(p)) {
                    return NON_FINITE;
                }
            }
            loss.call(logits, target);
            return null;
        } catch (InvalidRowException e) {
            return e.detail();
        }
    }
}
