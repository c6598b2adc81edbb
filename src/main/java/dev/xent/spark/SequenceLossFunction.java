package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.RowRule;
import dev.xent.core.SequenceLoss;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * PyTorch's per-token losses of a language-model row ({@code reduction='none'} of a K-dimensional call):
 * {@code (array<array<number>> logits, array<int> targets) -> array<double>}, 0 for ignored tokens. C is fixed when
 * given, else the first token's length. An invalid token makes the row invalid ({@link InvalidRowException}).
 */
final class SequenceLossFunction implements UDF2<Object, Object, double[]> {
    private static final long serialVersionUID = 1L;

    private final CrossEntropyOptions options;
    private final int classes;
    private transient SequenceLoss loss;

    SequenceLossFunction(CrossEntropyOptions options, int classes) {
        this.options = options;
        this.classes = classes;
    }

    @Override
    public double[] call(Object logitsValue, Object targetValue) {
        return losses(tokens(logitsValue), targets(targetValue));
    }

    /** The per-token losses of a row already read into arrays (null for a null column). */
    double[] losses(double[][] tokens, long[] targets) {
        if (loss == null) {
            int c = RowRule.classes(classes, options, RowRule.firstLength(tokens));
            loss = new SequenceLoss(options, c);
        }
        return loss.none(tokens, targets);
    }

    static double[][] tokens(Object value) {
        if (value == null) {
            return null;
        }
        scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
        double[][] out = new double[seq.length()][];
        scala.collection.Iterator<?> it = seq.iterator();
        for (int t = 0; it.hasNext(); t++) {
            try {
                out[t] = RowValues.doubles(it.next(), "logits");
            } catch (InvalidRowException e) {
                throw new InvalidRowException(e.reason(), "token " + t + ": " + e.detail());
            }
        }
        return out;
    }

    /** The tokens of Spark's internal {@code array<array<float|double>>}, without boxing. */
    static double[][] tokens(ArrayData value, boolean isFloat) {
        if (value == null) {
            return null;
        }
        double[][] out = new double[value.numElements()][];
        for (int t = 0; t < out.length; t++) {
            try {
                out[t] = value.isNullAt(t) ? null : RowValues.doubles(value.getArray(t), isFloat, "logits");
            } catch (InvalidRowException e) {
                throw new InvalidRowException(e.reason(), "token " + t + ": " + e.detail());
            }
        }
        return out;
    }

    /** The targets of Spark's internal {@code array<bigint>}. */
    static long[] targets(ArrayData value) {
        if (value == null) {
            return null;
        }
        for (int t = 0; t < value.numElements(); t++) {
            if (value.isNullAt(t)) {
                throw new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "token " + t + ": target is null");
            }
        }
        return value.toLongArray();
    }

    static long[] targets(Object value) {
        if (value == null) {
            return null;
        }
        scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
        long[] out = new long[seq.length()];
        scala.collection.Iterator<?> it = seq.iterator();
        for (int t = 0; it.hasNext(); t++) {
            Object e = it.next();
            if (e == null) {
                throw new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "token " + t + ": target is null");
            }
            out[t] = RowValues.classIndex(e);
        }
        return out;
    }
}
