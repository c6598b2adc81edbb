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
    private final boolean rejectNonFinite;

    private final LogitsEncoding encoding;

    RowProblemFunction(CrossEntropyOptions options, int classes, boolean rejectNonFinite, LogitsEncoding encoding) {
        this.loss = new RowLossFunction(options, classes, encoding);
        this.rejectNonFinite = rejectNonFinite;
        this.encoding = encoding;
    }

    @Override
    public String call(Object logits, Object target) {
        try {
            if (rejectNonFinite) {
                double[] x = logits instanceof byte[] && encoding != null
                        ? RowValues.doubles(encoding.decode((byte[]) logits), "logits")
                        : RowValues.doubles(logits, "logits");
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
