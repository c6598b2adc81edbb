package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A per-target-class breakdown, mergeable and order-independent: for each class that occurs as a target of a
 * scored row, the number of rows and the sum of their losses ({@link FixedPointSum}). Sparse: a state holds only
 * the classes it saw. A class's mean is its loss sum over its rows' weight sum ({@code rows · w_c}), PyTorch's mean
 * of those rows alone.
 */
public final class PerClassStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<Integer, long[]> rows = new TreeMap<>();
    private final TreeMap<Integer, FixedPointSum> sums = new TreeMap<>();

    public void add(int target, double loss) {
        rows.computeIfAbsent(target, c -> new long[1])[0]++;
        sums.computeIfAbsent(target, c -> new FixedPointSum()).add(clamp(loss));
    }

    /** Losses beyond FixedPointSum's range are kept as infinities (they dominate any sum anyway). */
    private static double clamp(double loss) {
        return Math.abs(loss) < 0x1p61 ? loss : (loss > 0 ? Double.POSITIVE_INFINITY
                : loss < 0 ? Double.NEGATIVE_INFINITY : loss);
    }

    public PerClassStats merge(PerClassStats other) {
        other.rows.forEach((c, n) -> rows.computeIfAbsent(c, k -> new long[1])[0] += n[0]);
        other.sums.forEach((c, s) -> sums.computeIfAbsent(c, k -> new FixedPointSum()).merge(s));
        return this;
    }

    /** The classes seen, in order, with their row counts. */
    public Map<Integer, Long> rowsByClass() {
        Map<Integer, Long> out = new TreeMap<>();
        rows.forEach((c, n) -> out.put(c, n[0]));
        return out;
    }

    public double lossSum(int target) {
        FixedPointSum s = sums.get(target);
        return s == null ? 0.0 : s.value();
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(rows.size());
        for (Map.Entry<Integer, long[]> e : rows.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue()[0]);
            sums.get(e.getKey()).writeTo(out);
        }
    }

    static PerClassStats readFrom(DataInput in) throws IOException {
        PerClassStats s = new PerClassStats();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            int c = in.readInt();
            s.rows.put(c, new long[] {in.readLong()});
            s.sums.put(c, FixedPointSum.readFrom(in));
        }
        return s;
    }
}
