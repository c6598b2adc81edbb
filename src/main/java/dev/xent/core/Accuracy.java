package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy over the scored class-index rows: the share whose predicted class ({@link ScoredRow#argmax()}, the first
 * largest log-probability) is the target. Every row counts once, whatever its weight; ignored and rejected rows are
 * left out. A row with a NaN logit predicts its first NaN class. No rows: NaN.
 */
public final class Accuracy implements Figure {
    private static final long serialVersionUID = 1L;
    static final String ID = "accuracy";

    private long rows;
    private long correct;

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
        return new Accuracy();
    }

    @Override
    public void add(ScoredRow row) {
        if (row.sequence() != null) {
            return;
        }
        rows++;
        correct += row.argmax() == row.target() ? 1 : 0;
    }

    @Override
    public void merge(Figure other) {
        Accuracy o = (Accuracy) other;
        rows += o.rows;
        correct += o.correct;
    }

    /** The rows counted. */
    public long rows() {
        return rows;
    }

    /** NaN without rows. */
    public double accuracy() {
        return (double) correct / rows;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(rows);
        out.writeLong(correct);
    }

    static Accuracy readFrom(DataInput in) throws IOException {
        Accuracy a = new Accuracy();
        a.rows = in.readLong();
        a.correct = in.readLong();
        return a;
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("rows", rows);
        v.put("accuracy", accuracy());
        return v;
    }
}
