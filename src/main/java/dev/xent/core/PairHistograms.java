package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * Row counts for the comparison's pictures, in fixed bins so that any split merges to the same counts: the
 * per-row loss difference {@code d = c - b} on a symmetric log scale ({@link #DIFFERENCE_BINS}: |d| below 1e-6
 * in the middle bin, then 5 bins per decade up to 100 on each side, beyond 100 in the outer bins), and the pair
 * (baseline loss, candidate loss) on a log-log grid ({@link #LOSS_BINS} per axis: below 1e-6 (zero included) in
 * bin 0, then 5 bins per decade up to 100, beyond in the last). Rows with a NaN loss on either side are not counted.
 */
public final class PairHistograms implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Bins per decade. */
    public static final int PER_DECADE = 5;
    /** The smallest and largest decade shown: 1e-6 to 1e2. */
    public static final int LOW_DECADE = -6;
    public static final int HIGH_DECADE = 2;
    private static final int MAGNITUDES = (HIGH_DECADE - LOW_DECADE) * PER_DECADE;
    public static final int LOSS_BINS = MAGNITUDES + 2;
    public static final int DIFFERENCE_BINS = 2 * (MAGNITUDES + 1) + 1;

    private final long[] differences = new long[DIFFERENCE_BINS];
    private final long[] pairs = new long[LOSS_BINS * LOSS_BINS];

    public void add(double baselineLoss, double candidateLoss) {
        if (Double.isNaN(baselineLoss) || Double.isNaN(candidateLoss)) {
            return;
        }
        pairs[lossBin(baselineLoss) * LOSS_BINS + lossBin(candidateLoss)]++;
        differences[differenceBin(candidateLoss - baselineLoss)]++;
    }

    public void merge(PairHistograms other) {
        for (int i = 0; i < differences.length; i++) {
            differences[i] += other.differences[i];
        }
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] += other.pairs[i];
        }
    }

    /** Bin of a loss (≥ 0, or -inf/negative for log-probability inputs, counted in bin 0). */
    public static int lossBin(double loss) {
        if (!(loss >= 1e-6)) {
            return 0;
        }
        return 1 + magnitude(loss);
    }

    /** Bin of a difference: the middle bin {@code MAGNITUDES + 1} for |d| < 1e-6, lower bins for negative d. */
    public static int differenceBin(double d) {
        int middle = MAGNITUDES + 1;
        if (Math.abs(d) < 1e-6) {
            return middle;
        }
        int m = magnitude(Math.abs(d));
        return d < 0 ? middle - 1 - m : middle + 1 + m;
    }

    /** 0 .. MAGNITUDES-1 for 1e-6 ≤ x < 100, MAGNITUDES beyond (infinity included). */
    private static int magnitude(double x) {
        double position = (Math.log10(x) - LOW_DECADE) * PER_DECADE;
        return (int) Math.max(0, Math.min(MAGNITUDES, Math.floor(position)));
    }

    /** The lower edge of loss bin {@code k ≥ 1}. */
    public static double lossEdge(int k) {
        return Math.pow(10, LOW_DECADE + (k - 1) / (double) PER_DECADE);
    }

    public long[] differences() {
        return differences.clone();
    }

    /** Counts of (baseline bin, candidate bin), row-major by baseline bin. */
    public long[] pairs() {
        return pairs.clone();
    }

    void writeTo(DataOutput out) throws IOException {
        write(out, differences);
        write(out, pairs);
    }

    static PairHistograms readFrom(DataInput in) throws IOException {
        PairHistograms h = new PairHistograms();
        read(in, h.differences);
        read(in, h.pairs);
        return h;
    }

    /** Sparse: the number of non-zero counts, then (index, count) pairs. */
    private static void write(DataOutput out, long[] counts) throws IOException {
        int n = 0;
        for (long c : counts) {
            n += c != 0 ? 1 : 0;
        }
        out.writeInt(n);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                out.writeInt(i);
                out.writeLong(counts[i]);
            }
        }
    }

    private static void read(DataInput in, long[] counts) throws IOException {
        int n = in.readInt();
        for (int k = 0; k < n; k++) {
            int i = in.readInt();
            if (i < 0 || i >= counts.length) {
                throw new IOException("corrupt histogram: bin " + i);
            }
            counts[i] = in.readLong();
        }
    }
}
