package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Top-k accuracy over the scored class-index rows: the share of rows with fewer than k classes scoring strictly
 * above the target (ties count in the target's favour). A NaN log-probability is never above the target, so a row
 * of NaN counts as a hit. Every row counts once, whatever its weight. No rows: NaN.
 */
public final class TopKAccuracy extends FigureBase<TopKAccuracy> {
    private static final long serialVersionUID = 1L;
    static final String ID = "top_k";

    private final int topK;
    private HitCount hits = new HitCount();

    public TopKAccuracy(int topK) {
        super(ID, "metrics", Rows.CLASS_INDEX);
        if (topK < 1) {
            throw new IllegalArgumentException("top-k: expected at least 1, got " + topK);
        }
        this.topK = topK;
    }

    @Override
    public boolean largerIsBetter(String value) {
        return true;
    }

    @Override
    public Figure zero() {
        return new TopKAccuracy(topK);
    }

    @Override
    void addRow(ScoredRow row) {
        double[] lsm = row.logProbabilities();
        double targetValue = lsm[row.target()];
        int above = 0;
        for (double v : lsm) {
            if (v > targetValue) {
                above++;
            }
        }
        hits.add(above < topK);
    }

    @Override
    void mergeSame(TopKAccuracy o) {
        if (o.topK != topK) {
            throw new IllegalArgumentException("cannot merge top-" + o.topK + " figures into top-" + topK);
        }
        hits.merge(o.hits);
    }

    public int topK() {
        return topK;
    }

    /** NaN without rows. */
    public double topKAccuracy() {
        return hits.share();
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(topK);
        hits.writeTo(out);
    }

    static TopKAccuracy readFrom(DataInput in) throws IOException {
        TopKAccuracy a = new TopKAccuracy(in.readInt());
        a.hits = HitCount.readFrom(in);
        return a;
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("top_k", topK);
        v.put("top_k_accuracy", topKAccuracy());
        return v;
    }
}
