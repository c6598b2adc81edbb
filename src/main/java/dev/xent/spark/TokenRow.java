package dev.xent.spark;

import dev.xent.core.TargetLogProbs;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * One target-log-probs row as arrays, read from the columns of {@link TargetLogProbColumns#canonical()} (Spark's
 * internal rows in the scan, external rows in the row functions). A null element among the log-probabilities or
 * weights reads as NaN (invalid where the token is scored); a null mask, weights or targets array (its column given),
 * or a null element in the mask or targets, makes the row invalid at once.
 */
final class TokenRow {
    double[] logp;
    boolean[] mask;
    double[] weights;
    long[] targets;
    long bytes;
    long words;

    /** Reads the six canonical columns of {@code row} from position {@code first}. */
    static TokenRow read(InternalRow row, int first, TargetLogProbColumns columns) {
        TokenRow r = new TokenRow();
        r.logp = row.isNullAt(first) ? null : doubles(row.getArray(first));
        if (columns.mask != null) {
            ArrayData m = present(row, first + 1, "mask");
            for (int t = 0; t < m.numElements(); t++) {
                if (m.isNullAt(t)) {
                    throw TargetLogProbs.nullElement("mask", t);
                }
            }
            r.mask = m.toBooleanArray();
        }
        if (columns.weights != null) {
            r.weights = doubles(present(row, first + 2, "token weights"));
        }
        if (columns.target != null) {
            ArrayData y = present(row, first + 3, "targets");
            for (int t = 0; t < y.numElements(); t++) {
                if (y.isNullAt(t)) {
                    throw TargetLogProbs.nullElement("targets", t);
                }
            }
            r.targets = y.toLongArray();
        }
        r.bytes = row.isNullAt(first + 4) ? 0 : row.getLong(first + 4);
        r.words = row.isNullAt(first + 5) ? 0 : row.getLong(first + 5);
        return r;
    }

    /** As {@link #read(InternalRow, int, TargetLogProbColumns)} for an external row (in a row function). */
    static TokenRow read(Row row, int first, TargetLogProbColumns columns) {
        TokenRow r = new TokenRow();
        r.logp = row.isNullAt(first) ? null : doubles(row.getList(first));
        if (columns.mask != null) {
            List<Object> m = present(row, first + 1, "mask");
            r.mask = new boolean[m.size()];
            for (int t = 0; t < r.mask.length; t++) {
                if (m.get(t) == null) {
                    throw TargetLogProbs.nullElement("mask", t);
                }
                r.mask[t] = (Boolean) m.get(t);
            }
        }
        if (columns.weights != null) {
            r.weights = doubles(present(row, first + 2, "token weights"));
        }
        if (columns.target != null) {
            List<Object> y = present(row, first + 3, "targets");
            r.targets = new long[y.size()];
            for (int t = 0; t < r.targets.length; t++) {
                if (y.get(t) == null) {
                    throw TargetLogProbs.nullElement("targets", t);
                }
                r.targets[t] = ((Number) y.get(t)).longValue();
            }
        }
        r.bytes = row.isNullAt(first + 4) ? 0 : row.getLong(first + 4);
        r.words = row.isNullAt(first + 5) ? 0 : row.getLong(first + 5);
        return r;
    }

    private static ArrayData present(InternalRow row, int i, String what) {
        if (row.isNullAt(i)) {
            throw TargetLogProbs.nullColumn(what);
        }
        return row.getArray(i);
    }

    private static List<Object> present(Row row, int i, String what) {
        if (row.isNullAt(i)) {
            throw TargetLogProbs.nullColumn(what);
        }
        return row.getList(i);
    }

    private static double[] doubles(ArrayData a) {
        double[] out = a.toDoubleArray();
        if (RowReader.hasNull(a)) {
            for (int t = 0; t < out.length; t++) {
                if (a.isNullAt(t)) {
                    out[t] = Double.NaN;
                }
            }
        }
        return out;
    }

    private static double[] doubles(List<Object> values) {
        double[] out = new double[values.size()];
        for (int t = 0; t < out.length; t++) {
            Object v = values.get(t);
            out[t] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        return out;
    }
}
