package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mergeable histogram of per-row losses with fixed, log-spaced bins: {@value #PER_DECADE} bins per decade from
 * 1e-8 to 1e4, plus one bin for losses below 1e-8 (zero and negative losses included), one for losses of 1e4 and
 * above, and a count of non-finite losses. Counts only, so any order of adds and merges gives the same histogram;
 * quantiles read from it are approximate (within one bin, about 12% of the value).
 */
public final class LossHistogram extends FigureBase<LossHistogram> {
    private static final long serialVersionUID = 1L;
    static final String ID = "histogram";

    /** Bins per decade. */
    public static final int PER_DECADE = 20;
    /** The lowest and highest finite bin edges, as powers of ten. */
    public static final int LOW_DECADE = -8;
    public static final int HIGH_DECADE = 4;
    /** Log-spaced bins between the edges. */
    public static final int LOG_BINS = (HIGH_DECADE - LOW_DECADE) * PER_DECADE;

    private final long[] counts = new long[LOG_BINS + 2];
    private long nonFinite;

    public LossHistogram() {
        super(ID, "loss_histogram", Rows.NOT_SEQUENCES);
    }

    @Override
    public Figure zero() {
        return new LossHistogram();
    }

    @Override
    void addRow(ScoredRow row) {
        add(row.loss());
    }

    /** Adds one row's loss. */
    public void add(double loss) {
        if (Double.isNaN(loss) || Double.isInfinite(loss)) {
            nonFinite++;
            return;
        }
        counts[bin(loss)]++;
    }

    /** The bin of a finite loss: 0 below 1e-8, 1..LOG_BINS between, LOG_BINS + 1 from 1e4 on. */
    static int bin(double loss) {
        if (!(loss >= Math.pow(10, LOW_DECADE))) {
            return 0;
        }
        double position = (Math.log10(loss) - LOW_DECADE) * PER_DECADE;
        if (position >= LOG_BINS) {
            return LOG_BINS + 1;
        }
        return 1 + (int) Math.floor(position);
    }

    @Override
    void mergeSame(LossHistogram o) {
        for (int b = 0; b < counts.length; b++) {
            counts[b] += o.counts[b];
        }
        nonFinite += o.nonFinite;
    }

    /** The quartiles, the 90th and 99th percentiles, the non-finite count and the non-empty bins. */
    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("p25", quantile(0.25));
        v.put("p50", quantile(0.5));
        v.put("p75", quantile(0.75));
        v.put("p90", quantile(0.9));
        v.put("p99", quantile(0.99));
        v.put("non_finite", nonFinite);
        List<Map<String, Object>> bins = new ArrayList<>();
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] > 0) {
                Map<String, Object> bin = new LinkedHashMap<>();
                bin.put("from", lowerEdge(b));
                bin.put("to", upperEdge(b));
                bin.put("rows", counts[b]);
                bins.add(bin);
            }
        }
        v.put("bins", bins);
        return v;
    }

    /**
     * The histogram from the first to the last non-empty bin, on a log axis ticked at each decade, with the count
     * of non-finite losses (not drawn) in its note; none without a finite loss.
     */
    @Override
    public List<Chart> charts(LossState total) {
        if (finiteCount() == 0) {
            return List.of();
        }
        int first = 0;
        int last = counts.length - 1;
        while (counts[first] == 0) {
            first++;
        }
        while (counts[last] == 0) {
            last--;
        }
        long max = 1;
        List<Chart.Bar> bars = new ArrayList<>();
        for (int b = first; b <= last; b++) {
            max = Math.max(max, counts[b]);
            bars.add(new Chart.Bar(b, b + 1, counts[b], "", lowerEdge(b) + " to " + upperEdge(b) + ": " + counts[b]
                    + " rows", Chart.Tone.PLAIN));
        }
        List<Chart.Tick> xTicks = new ArrayList<>();
        for (int b = first; b <= last + 1; b++) {
            if (b == 0 || (b - 1) % PER_DECADE == 0) {
                xTicks.add(new Chart.Tick(b, b == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.0e",
                        lowerEdge(b))));
            }
        }
        return List.of(new Chart("loss-histogram", "Loss per row", Chart.Kind.COLUMNS, 840, 260,
                "loss of a row (log scale)", "rows", first, last + 1, max, xTicks, Chart.evenTicks(max, true), bars,
                false, List.of(), "Log-spaced bins, " + PER_DECADE + " per decade; " + nonFinite
                        + " non-finite losses not shown."));
    }

    /** The number of bins, the two open-ended ones included. */
    public int bins() {
        return counts.length;
    }

    public long count(int bin) {
        return counts[bin];
    }

    public long nonFinite() {
        return nonFinite;
    }

    /** The lower edge of a bin (0 for the first). */
    public static double lowerEdge(int bin) {
        return bin == 0 ? 0.0 : Math.pow(10, LOW_DECADE + (bin - 1) / (double) PER_DECADE);
    }

    /** The upper edge of a bin (infinity for the last). */
    public static double upperEdge(int bin) {
        return bin > LOG_BINS ? Double.POSITIVE_INFINITY : Math.pow(10, LOW_DECADE + bin / (double) PER_DECADE);
    }

    /** Finite losses counted. */
    public long finiteCount() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * An approximate quantile of the finite losses ({@code q} in [0, 1]), interpolated geometrically inside its bin;
     * NaN when there are none. Losses below 1e-8 read as 0, losses from 1e4 on as 1e4.
     */
    public double quantile(double q) {
        long n = finiteCount();
        if (n == 0) {
            return Double.NaN;
        }
        double rank = q * (n - 1);
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] == 0) {
                continue;
            }
            if (rank < seen + counts[b]) {
                if (b == 0) {
                    return 0.0;
                }
                if (b > LOG_BINS) {
                    return Math.pow(10, HIGH_DECADE);
                }
                double within = (rank - seen + 0.5) / counts[b];
                double low = Math.log10(lowerEdge(b));
                return Math.pow(10, low + within / PER_DECADE);
            }
            seen += counts[b];
        }
        return Math.pow(10, HIGH_DECADE);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(counts.length);
        for (long c : counts) {
            out.writeLong(c);
        }
        out.writeLong(nonFinite);
    }

    static LossHistogram readFrom(DataInput in) throws IOException {
        LossHistogram h = new LossHistogram();
        int bins = in.readInt();
        if (bins != h.counts.length) {
            throw new IOException("loss histogram of " + bins + " bins; this xent reads " + h.counts.length);
        }
        for (int b = 0; b < h.counts.length; b++) {
            h.counts[b] = in.readLong();
        }
        h.nonFinite = in.readLong();
        return h;
    }
}
