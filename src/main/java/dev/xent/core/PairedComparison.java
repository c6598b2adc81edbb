package dev.xent.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The mergeable state of a paired comparison of two models on the same rows: for each compared row its baseline
 * loss {@code b}, candidate loss {@code c} and normalizer share {@code w} (the target's class weight, 1 for
 * probability targets), with {@code d = c - b}. Every sum is an {@link ExactSum}, so any order of {@link #add} and
 * {@link #merge}, and so any partitioning, gives the same bits.
 *
 * <p>Each side's mean is PyTorch's {@code Σ l / Σ w}; {@code difference} is candidate mean minus baseline mean.
 * Its paired standard error is the delta method on the ratio with the shared denominator:
 * {@code sqrt(n/(n-1) · Σ (d - diff·w)²) / |Σ w|}, with the sum of squares expanded into the exact sums
 * {@code Σ d²}, {@code Σ d·w}, {@code Σ w²} and combined exactly (as {@link StandardError}). {@code z = diff / se},
 * the two-sided {@code p = erfc(|z| / √2)}, {@code ci95 = diff ± 1.959963984540054 · se}.
 *
 * <p>Wins, ties and losses count rows where the candidate's loss is lower, equal, or higher; a row with a NaN loss
 * on either side is none of these. NaN or infinite losses make the sums (and so every figure) NaN or infinite as
 * {@link ExactSum} says; fewer than two rows, or a zero weight sum, make the standard error (and z, p, ci95) NaN.
 * An empty state has NaN means and difference.
 *
 * <p>With a {@link PoissonBootstrap}, each row also adds {@code k·d} and {@code k·w} to each of B replicates, with
 * {@code k} the row's Poisson(1) replicate weight drawn from the row's key hash ({@link #add}); see
 * {@link PoissonBootstrap} for the interval.
 */
public final class PairedComparison implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The 0.975 quantile of the standard normal distribution. */
    public static final double Z_975 = 1.959963984540054;

    private final PoissonBootstrap bootstrap;
    private long rows;
    private long wins;
    private long ties;
    private long losses;
    private ExactSum weights = new ExactSum();
    private ExactSum baseline = new ExactSum();
    private ExactSum candidate = new ExactSum();
    private ExactSum differences = new ExactSum();
    private ExactSum squares = new ExactSum();
    private ExactSum products = new ExactSum();
    private ExactSum weightSquares = new ExactSum();
    private PairHistograms histograms = new PairHistograms();
    private ExactSum[] replicateDifferences;
    private ExactSum[] replicateWeights;

    /** An empty comparison without bootstrap. */
    public PairedComparison() {
        this(null);
    }

    /** An empty comparison with {@code bootstrap}'s replicates (null: none). */
    public PairedComparison(PoissonBootstrap bootstrap) {
        this.bootstrap = bootstrap;
        if (bootstrap != null) {
            replicateDifferences = new ExactSum[bootstrap.replicates()];
            replicateWeights = new ExactSum[bootstrap.replicates()];
            for (int r = 0; r < bootstrap.replicates(); r++) {
                replicateDifferences[r] = new ExactSum();
                replicateWeights[r] = new ExactSum();
            }
        }
    }

    /** A new empty state with the same bootstrap. */
    public PairedComparison zero() {
        return new PairedComparison(bootstrap);
    }

    /**
     * Adds one compared row.
     *
     * @param baselineLoss  the baseline's loss of the row
     * @param candidateLoss the candidate's loss of the row
     * @param weight        the row's normalizer share (its target's class weight; 1 for probability targets)
     * @param keyHash       the row's identity ({@link PoissonBootstrap#hashKey}), for its bootstrap weights; unused
     *                      without bootstrap
     */
    public void add(double baselineLoss, double candidateLoss, double weight, long keyHash) {
        double d = candidateLoss - baselineLoss;
        rows++;
        if (candidateLoss < baselineLoss) {
            wins++;
        } else if (candidateLoss == baselineLoss) {
            ties++;
        } else if (candidateLoss > baselineLoss) {
            losses++;
        }
        weights.add(weight);
        baseline.add(baselineLoss);
        candidate.add(candidateLoss);
        differences.add(d);
        squares.add(d * d);
        products.add(d * weight);
        weightSquares.add(weight * weight);
        histograms.add(baselineLoss, candidateLoss);
        if (bootstrap != null) {
            for (int r = 0; r < replicateDifferences.length; r++) {
                int k = bootstrap.weight(keyHash, r);
                for (int j = 0; j < k; j++) { // k adds, not one add of k·d: exact, and k is small
                    replicateDifferences[r].add(d);
                    replicateWeights[r].add(weight);
                }
            }
        }
    }

    /** Adds everything in {@code other} (which keeps its value); returns this. */
    public PairedComparison merge(PairedComparison other) {
        if ((bootstrap == null) != (other.bootstrap == null)
                || bootstrap != null && !bootstrap.equals(other.bootstrap)) {
            throw new IllegalArgumentException("cannot merge comparisons with different bootstraps");
        }
        rows += other.rows;
        wins += other.wins;
        ties += other.ties;
        losses += other.losses;
        weights.merge(other.weights);
        baseline.merge(other.baseline);
        candidate.merge(other.candidate);
        differences.merge(other.differences);
        squares.merge(other.squares);
        products.merge(other.products);
        weightSquares.merge(other.weightSquares);
        histograms.merge(other.histograms);
        if (bootstrap != null) {
            for (int r = 0; r < replicateDifferences.length; r++) {
                replicateDifferences[r].merge(other.replicateDifferences[r]);
                replicateWeights[r].merge(other.replicateWeights[r]);
            }
        }
        return this;
    }

    public long rows() {
        return rows;
    }

    public long wins() {
        return wins;
    }

    public long ties() {
        return ties;
    }

    public long losses() {
        return losses;
    }

    /** {@code Σ w}. */
    public double weightSum() {
        return weights.value();
    }

    public double baselineSum() {
        return baseline.value();
    }

    public double candidateSum() {
        return candidate.value();
    }

    /** The baseline's mean, {@code Σ b / Σ w} (NaN when empty). */
    public double baselineMean() {
        return baselineSum() / weightSum();
    }

    public double candidateMean() {
        return candidateSum() / weightSum();
    }

    /** Candidate mean minus baseline mean. */
    public double difference() {
        return candidateMean() - baselineMean();
    }

    /** The paired standard error of {@link #difference()} (see the class notes). */
    public double standardError() {
        double diff = difference();
        double w = weightSum();
        if (rows < 2 || !(w != 0) || Double.isNaN(diff) || Double.isInfinite(diff)) {
            return Double.NaN;
        }
        BigDecimal d2 = squares.exactValue();
        BigDecimal dw = products.exactValue();
        BigDecimal w2 = weightSquares.exactValue();
        if (d2 == null || dw == null || w2 == null) {
            return Double.NaN;
        }
        BigDecimal r = new BigDecimal(diff);
        BigDecimal residual = d2.subtract(r.multiply(dw).multiply(BigDecimal.valueOf(2))).add(r.multiply(r).multiply(w2));
        double variance = Math.max(0.0, residual.doubleValue()) * rows / (rows - 1.0);
        return Math.sqrt(variance) / Math.abs(w);
    }

    /** {@code difference / standard_error}. */
    public double z() {
        return difference() / standardError();
    }

    /** The two-sided p-value of {@link #z()} under the normal distribution (NaN when z is NaN). */
    public double pValue() {
        return NormalDistribution.twoSidedP(z());
    }

    /** {@code [difference - 1.96·se, difference + 1.96·se]}. */
    public double[] ci95() {
        double diff = difference();
        double se = standardError();
        return new double[] {diff - Z_975 * se, diff + Z_975 * se};
    }

    /**
     * The comparison's figures by name, in output order: {@code difference}, {@code standard_error}, {@code ci95}
     * (a list of two), {@code z}, {@code p_value}, {@code wins}, {@code ties}, {@code losses}, {@code rows_compared},
     * {@code weight_sum}.
     */
    public java.util.Map<String, Object> figures() {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        double[] ci = ci95();
        v.put("difference", difference());
        v.put("standard_error", standardError());
        v.put("ci95", java.util.List.of(ci[0], ci[1]));
        v.put("z", z());
        v.put("p_value", pValue());
        v.put("wins", wins);
        v.put("ties", ties);
        v.put("losses", losses);
        v.put("rows_compared", rows);
        v.put("weight_sum", weightSum());
        return v;
    }

    /** The rows' counts by loss difference and by (baseline, candidate) loss, for pictures. */
    public PairHistograms histograms() {
        return histograms;
    }

    /** The bootstrap, or null. */
    public PoissonBootstrap bootstrap() {
        return bootstrap;
    }

    /** Each replicate's difference {@code Σ k·d / Σ k·w} (NaN for a replicate of zero weight); null without. */
    public double[] replicateDifferences() {
        if (bootstrap == null) {
            return null;
        }
        double[] out = new double[replicateDifferences.length];
        for (int r = 0; r < out.length; r++) {
            out[r] = replicateDifferences[r].value() / replicateWeights[r].value();
        }
        return out;
    }

    /** The bootstrap's 95 % percentile interval of the difference; null without bootstrap. */
    public double[] bootstrapCi95() {
        return bootstrap == null ? null : PoissonBootstrap.percentileInterval(replicateDifferences(), 0.95);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static PairedComparison fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return readFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(bootstrap == null ? 0 : bootstrap.replicates());
        out.writeLong(bootstrap == null ? 0 : bootstrap.seed());
        out.writeLong(rows);
        out.writeLong(wins);
        out.writeLong(ties);
        out.writeLong(losses);
        for (ExactSum s : new ExactSum[] {weights, baseline, candidate, differences, squares, products,
            weightSquares}) {
            s.writeTo(out);
        }
        histograms.writeTo(out);
        if (bootstrap != null) {
            for (int r = 0; r < replicateDifferences.length; r++) {
                replicateDifferences[r].writeTo(out);
                replicateWeights[r].writeTo(out);
            }
        }
    }

    static PairedComparison readFrom(DataInput in) throws IOException {
        int replicates = in.readInt();
        long seed = in.readLong();
        PairedComparison p = new PairedComparison(replicates == 0 ? null : new PoissonBootstrap(replicates, seed));
        p.rows = in.readLong();
        p.wins = in.readLong();
        p.ties = in.readLong();
        p.losses = in.readLong();
        p.weights = ExactSum.readFrom(in);
        p.baseline = ExactSum.readFrom(in);
        p.candidate = ExactSum.readFrom(in);
        p.differences = ExactSum.readFrom(in);
        p.squares = ExactSum.readFrom(in);
        p.products = ExactSum.readFrom(in);
        p.weightSquares = ExactSum.readFrom(in);
        p.histograms = PairHistograms.readFrom(in);
        for (int r = 0; r < replicates; r++) {
            p.replicateDifferences[r] = ExactSum.readFrom(in);
            p.replicateWeights[r] = ExactSum.readFrom(in);
        }
        return p;
    }
}
