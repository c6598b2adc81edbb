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
public final class Accuracy extends FigureBase<Accuracy> {
    private static final long serialVersionUID = 1L;
    static final String ID = "accuracy";

    private HitCount hits = new HitCount();

    public Accuracy() {
        super(ID, "metrics", Rows.CLASS_INDEX);
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
    void addRow(ScoredRow row) {
        hits.add(row.argmax() == row.target());
    }

    @Override
    void mergeSame(Accuracy other) {
        hits.merge(other.hits);
    }

    /** The rows counted. */
    public long rows() {
        return hits.rows();
    }

    /** NaN without rows. */
    public double accuracy() {
        return hits.share();
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        hits.writeTo(out);
    }

    static Accuracy readFrom(DataInput in) throws IOException {
        Accuracy a = new Accuracy();
        a.hits = HitCount.readFrom(in);
        return a;
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("rows", hits.rows());
        v.put("accuracy", accuracy());
        return v;
    }
}
