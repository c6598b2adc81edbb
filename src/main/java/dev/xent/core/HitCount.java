package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * A count of rows and of the hits among them, and their share: the state of accuracy-like figures. Its byte form
 * is the two counts, big-endian. No rows: a share of NaN.
 */
final class HitCount implements Serializable {
    private static final long serialVersionUID = 1L;

    private long rows;
    private long hits;

    void add(boolean hit) {
        rows++;
        hits += hit ? 1 : 0;
    }

    void merge(HitCount other) {
        rows += other.rows;
        hits += other.hits;
    }

    long rows() {
        return rows;
    }

    /** hits / rows; NaN without rows. */
    double share() {
        return (double) hits / rows;
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(rows);
        out.writeLong(hits);
    }

    static HitCount readFrom(DataInput in) throws IOException {
        HitCount c = new HitCount();
        c.rows = in.readLong();
        c.hits = in.readLong();
        return c;
    }
}
