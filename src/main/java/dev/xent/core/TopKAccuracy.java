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
public final class TopKAccuracy implements Figure {
    private static final long serialVersionUID = 1L;
    static final String ID = "top_k";

    private final int topK;
    private long rows;
    private long correct;

    public TopKAccuracy(int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k: expected at least 1, got " + topK);
        }
        this.topK = topK;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean appliesTo(LossState.Targets targets, boolean sequences) {
        return targets == LossState.Targets.CLASS_INDEX && !sequences;
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
    public void add(ScoredRow row) {
        if (row.sequence() != null) {
            return;
        }
        double[] lsm = row.logProbabilities();
        double targetValue = lsm[row.target()];
        int above = 0;
        for (double v : lsm) {
            if (v > targetValue) {
                above++;
            }
        }
        rows++;
        correct += above < topK ? 1 : 0;
    }

    @Override
    public void merge(Figure other) {
        TopKAccuracy o = (TopKAccuracy) other;
        if (o.topK != topK) {
            throw new IllegalArgumentException("cannot merge top-" + o.topK + " figures into top-" + topK);
        }
        rows += o.rows;
        correct += o.correct;
    }

    public int topK() {
        return topK;
    }

    /** NaN without rows. */
    public double topKAccuracy() {
        return (double) correct / rows;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(topK);
        out.writeLong(rows);
        out.writeLong(correct);
    }

    static TopKAccuracy readFrom(DataInput in) throws IOException {
        TopKAccuracy a = new TopKAccuracy(in.readInt());
        a.rows = in.readLong();
        a.correct = in.readLong();
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
