package dev.xent.core;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Poisson bootstrap whose replicate weights depend only on the row's key, the replicate and the seed: row
 * {@code i} weighs {@code k ~ Poisson(1)} in replicate {@code r}, drawn by inverting Poisson(1)'s distribution at a
 * uniform number taken from a 64-bit hash of ({@link #hashKey key}, r, seed). So every partitioning, row order and
 * rerun gives each row the same weights, and B replicates cost one scan with B accumulators, not B passes. Rows
 * with equal keys get equal weights (keys are unique after a join; without keys, see the caller).
 *
 * <p>The interval is the percentile interval of the replicate differences ({@link #percentileInterval}), with
 * numpy's default (linear) interpolation; replicates whose difference is NaN (no weight drawn) are left out, and
 * with none left the interval is {@code [NaN, NaN]}.
 */
public final class PoissonBootstrap implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Poisson(1)'s cumulative distribution, up to the k where it is 1 in double. */
    private static final double[] CDF = cdf();

    private final int replicates;
    private final long seed;
    private final long seedHash;

    /** {@code replicates} replicates (at least 1) drawn with {@code seed}. */
    public PoissonBootstrap(int replicates, long seed) {
        if (replicates < 1) {
            throw new IllegalArgumentException("bootstrap replicates must be at least 1, got " + replicates);
        }
        this.replicates = replicates;
        this.seed = seed;
        this.seedHash = mix(seed ^ 0x5DEECE66DL);
    }

    public int replicates() {
        return replicates;
    }

    public long seed() {
        return seed;
    }

    /** The weight, {@code k ≥ 0}, of the row whose key hashes to {@code keyHash} in replicate {@code r}. */
    public int weight(long keyHash, int r) {
        long h = mix(keyHash ^ mix(seedHash + 0x9E3779B97F4A7C15L * (r + 1L)));
        double u = (h >>> 11) * 0x1p-53;
        int k = 0;
        while (k < CDF.length && u >= CDF[k]) {
            k++;
        }
        return k;
    }

    /** A 64-bit hash of a key given as text (FNV-1a over its UTF-8 bytes, then mixed). */
    public static long hashKey(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** A 64-bit hash of a key given as a number. */
    public static long hashKey(long key) {
        return mix(key + 0x632BE59BD9B4E019L);
    }

    /**
     * The central {@code level} percentile interval of {@code values}, ignoring NaN: the {@code (1-level)/2} and
     * {@code (1+level)/2} quantiles with linear interpolation between order statistics (numpy's default).
     */
    public static double[] percentileInterval(double[] values, double level) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2)};
    }

    private static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = h - lo;
        return frac == 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double[] cdf() {
        double[] c = new double[32];
        double p = Math.exp(-1);
        double sum = 0;
        int n = 0;
        for (int k = 0; k < c.length; k++) {
            sum += p;
            p /= k + 1;
            c[k] = sum;
            n = k + 1;
            if (sum >= 1.0) {
                break;
            }
        }
        return Arrays.copyOf(c, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoissonBootstrap && ((PoissonBootstrap) o).replicates == replicates
                && ((PoissonBootstrap) o).seed == seed;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed) * 31 + replicates;
    }
}
