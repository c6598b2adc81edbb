package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mean entropy of the predicted distribution over the scored class-index rows, {@code -Σ_c p_c log p_c} in nats
 * with {@code p_c = exp(lsm_c)} ({@code -inf} log-probabilities add nothing), summed exactly. Every row counts
 * once. A row with a NaN makes the mean NaN; no rows give NaN.
 */
public final class MeanEntropy extends FigureBase<MeanEntropy> {
    private static final long serialVersionUID = 1L;
    static final String ID = "entropy";

    private long rows;
    private ExactSum sum = new ExactSum();

    public MeanEntropy() {
        super(ID, "metrics", Rows.CLASS_INDEX);
    }

    @Override
    public Figure zero() {
        return new MeanEntropy();
    }

    @Override
    void addRow(ScoredRow row) {
        double entropy = 0.0;
        for (double v : row.logProbabilities()) {
            if (v != Double.NEGATIVE_INFINITY) {
                entropy -= Math.exp(v) * v;
            }
        }
        rows++;
        sum.add(entropy);
    }

    @Override
    void mergeSame(MeanEntropy o) {
        rows += o.rows;
        sum.merge(o.sum);
    }

    /** NaN without rows. */
    public double meanEntropy() {
        return sum.value() / rows;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(rows);
        sum.writeTo(out);
    }

    static MeanEntropy readFrom(DataInput in) throws IOException {
        MeanEntropy e = new MeanEntropy();
        e.rows = in.readLong();
        e.sum = ExactSum.readFrom(in);
        return e;
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mean_entropy", meanEntropy());
        return v;
    }
}
