package dev.xent.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * The sufficient statistics of a cross-entropy evaluation, and the only place PyTorch's division rule lives: the
 * exact sum of the per-row losses, the exact sum of the normalizer (the target-class weight of each scored row, or
 * 1 per row for probability targets), and the row counts. {@link #add}, {@link #merge} and {@link #reduce} are
 * Spark's {@code reduce}, {@code merge} and {@code finish}; because both sums are exact, any order of adds and
 * merges gives the same bits.
 *
 * <p>With label smoothing (class-index targets) the state keeps the two terms of PyTorch's formula apart, the
 * target term {@code A = sum (1 - eps) * -(w_y * lsm_y)} and the smoothing term
 * {@code B = sum (eps / C) * -(sum_c w_c * lsm_c)}, and the mean is {@code A / W + B / W} as in PyTorch. So when
 * every scored target weighs 0 the mean is NaN ({@code 0 / 0} in the target term) although the sum is finite.
 *
 * <p>Reductions, as {@code torch.nn.CrossEntropyLoss} over all the rows as one batch:
 * <ul>
 *   <li>{@code sum}: the correctly rounded loss sum; {@code +0.0} for no scored rows. For probability targets an
 *       exactly zero sum is {@code -0.0}, because PyTorch negates the sum of products.</li>
 *   <li>{@code mean}: {@code sum / normalizer}, both correctly rounded, divided in IEEE double. So no scored rows,
 *       or a zero weight sum with a zero loss sum, give NaN; a zero weight sum (zero or cancelling weights) with a
 *       non-zero loss sum gives ±inf; a NaN or opposite infinities among the losses give NaN.</li>
 * </ul>
 * Rows counted: {@code scored} (contributed a loss), {@code ignored} (target equal to ignore_index: they add nothing
 * to either sum), {@code rejected} (invalid rows set aside by the caller), {@code nonFinite} (scored rows whose loss
 * is NaN or infinite, so a NaN mean never goes unexplained), {@code nonFiniteInputs} (rows whose logits hold a NaN or
 * an infinity, counted by the caller). {@code rows = scored + ignored + rejected}.
 */
public final class LossState implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Which kind of target the rows had; it decides the normalizer and the sign of a zero sum. */
    public enum Targets {
        CLASS_INDEX,
        PROBABILITIES
    }

    private final Targets targets;
    private final boolean smoothed;
    private static final byte FORMAT_VERSION = 6;

    private ExactSum lossSum = new ExactSum();
    private ExactSum smoothingSum = new ExactSum();
    private ExactSum normalizer = new ExactSum();
    private long scored;
    private long ignored;
    private long rejected;
    private long nonFinite;
    private long nonFiniteInputs;
    private SequenceStats sequenceStats;
    private SpreadSums spread = new SpreadSums();
    private ClassificationStats classification;
    private PerClassStats perClass;
    private LossHistogram histogram;

    /**
     * An empty state.
     *
     * @param targets  the kind of target the rows will have
     * @param smoothed true for class-index targets with label smoothing: rows are then added with
     *                 {@link #add(double, double, double)}
     */
    public LossState(Targets targets, boolean smoothed) {
        if (targets == null) {
            throw new IllegalArgumentException("targets must be given");
        }
        if (smoothed && targets != Targets.CLASS_INDEX) {
            throw new IllegalArgumentException("only class-index targets keep a separate smoothing term");
        }
        this.targets = targets;
        this.smoothed = smoothed;
    }

    /** An empty state for the given options and kind of target. */
    public static LossState of(CrossEntropyOptions options, Targets targets) {
        return new LossState(targets, targets == Targets.CLASS_INDEX && options.labelSmoothing() > 0.0);
    }

    public Targets targets() {
        return targets;
    }

    /** True when the state keeps a separate smoothing term. */
    public boolean smoothed() {
        return smoothed;
    }

    /** Adds one scored row without a smoothing term: its loss (any double) and its share of the normalizer. */
    public void add(double loss, double normalizerShare) {
        if (smoothed) {
            throw new IllegalStateException("this state needs the target and smoothing terms apart");
        }
        count(loss);
        lossSum.add(loss);
        normalizer.add(normalizerShare);
        spread.add(loss, normalizerShare);
        if (histogram != null) {
            histogram.add(loss);
        }
    }

    /**
     * Adds one scored row with label smoothing: its target term {@code (1 - eps) * -(w_y * lsm_y)}, its smoothing
     * term {@code (eps / C) * -(sum_c w_c * lsm_c)} and its target weight.
     */
    public void add(double targetTerm, double smoothingTerm, double normalizerShare) {
        if (!smoothed) {
            throw new IllegalStateException("this state has no smoothing term");
        }
        count(targetTerm + smoothingTerm);
        lossSum.add(targetTerm);
        smoothingSum.add(smoothingTerm);
        normalizer.add(normalizerShare);
        spread.add(targetTerm + smoothingTerm, normalizerShare);
        if (histogram != null) {
            histogram.add(targetTerm + smoothingTerm);
        }
    }

    private void count(double loss) {
        scored++;
        if (Double.isNaN(loss) || Double.isInfinite(loss)) {
            nonFinite++;
        }
    }

    /** Counts a row whose target was the ignore index. */
    public void addIgnored() {
        ignored++;
    }

    /**
     * The sequence-level statistics, created on first use: present when the rows were sequences of tokens (then
     * {@code scored} and {@code ignored} count tokens, and {@code rejected} counts rows).
     */
    public SequenceStats sequenceStats() {
        if (sequenceStats == null) {
            sequenceStats = new SequenceStats();
        }
        return sequenceStats;
    }

    /** Starts gathering classification figures (accuracy, top-k, entropy, ECE); see {@link ClassificationStats}. */
    public LossState withClassification(int topK) {
        classification = new ClassificationStats(topK);
        return this;
    }

    /** Starts gathering a per-class breakdown; see {@link PerClassStats}. */
    public LossState withPerClass() {
        perClass = new PerClassStats();
        return this;
    }

    /** Starts gathering a histogram of the scored rows' losses; see {@link LossHistogram}. */
    public LossState withHistogram() {
        histogram = new LossHistogram();
        return this;
    }

    /** The loss histogram, or null when not gathered. */
    public LossHistogram histogram() {
        return histogram;
    }

    /** The classification figures, or null when not gathered. */
    public ClassificationStats classification() {
        return classification;
    }

    /** The per-class breakdown, or null when not gathered. */
    public PerClassStats perClass() {
        return perClass;
    }

    /** True when rows were sequences of tokens. */
    public boolean hasSequences() {
        return sequenceStats != null;
    }

    /** Counts a row whose logits hold a NaN or an infinity (it is also added, ignored or rejected as usual). */
    public void addNonFiniteInput() {
        nonFiniteInputs++;
    }

    /** Counts a row that was set aside as invalid. */
    public void addRejected() {
        rejected++;
    }

    /** Adds everything in {@code other} (which keeps its value); both must have the same kind of target. */
    public LossState merge(LossState other) {
        if (other.targets != targets || other.smoothed != smoothed) {
            throw new IllegalArgumentException("cannot merge a state of " + other.describe() + " into one of "
                    + describe());
        }
        lossSum.merge(other.lossSum);
        smoothingSum.merge(other.smoothingSum);
        normalizer.merge(other.normalizer);
        scored += other.scored;
        ignored += other.ignored;
        rejected += other.rejected;
        nonFinite += other.nonFinite;
        nonFiniteInputs += other.nonFiniteInputs;
        spread.merge(other.spread);
        if (other.classification != null) {
            classification = classification == null ? new ClassificationStats(other.classification.topK())
                    : classification;
            classification.merge(other.classification);
        }
        if (other.perClass != null) {
            perClass = perClass == null ? new PerClassStats() : perClass;
            perClass.merge(other.perClass);
        }
        if (other.histogram != null) {
            histogram = histogram == null ? new LossHistogram() : histogram;
            histogram.merge(other.histogram);
        }
        if (other.sequenceStats != null) {
            sequenceStats().merge(other.sequenceStats);
        }
        return this;
    }

    private String describe() {
        return targets + (smoothed ? " targets with label smoothing" : " targets");
    }

    /** A compact, versioned byte form of the exact state (about 100 to 600 bytes). */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(targets.ordinal());
            out.writeBoolean(smoothed);
            out.writeLong(scored);
            out.writeLong(ignored);
            out.writeLong(rejected);
            out.writeLong(nonFinite);
            out.writeLong(nonFiniteInputs);
            lossSum.writeTo(out);
            smoothingSum.writeTo(out);
            normalizer.writeTo(out);
            spread.writeTo(out);
            out.writeBoolean(classification != null);
            if (classification != null) {
                classification.writeTo(out);
            }
            out.writeBoolean(perClass != null);
            if (perClass != null) {
                perClass.writeTo(out);
            }
            out.writeBoolean(histogram != null);
            if (histogram != null) {
                histogram.writeTo(out);
            }
            out.writeBoolean(sequenceStats != null);
            if (sequenceStats != null) {
                sequenceStats.writeTo(out);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The state {@link #toBytes()} wrote.
     *
     * @throws IllegalArgumentException for bytes of another version or a corrupt form
     */
    public static LossState fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("loss state of format version " + version + "; this xent reads "
                        + FORMAT_VERSION);
            }
            int kind = in.readByte();
            if (kind < 0 || kind >= Targets.values().length) {
                throw new IllegalArgumentException("corrupt loss state: target kind " + kind);
            }
            LossState s = new LossState(Targets.values()[kind], in.readBoolean());
            s.scored = in.readLong();
            s.ignored = in.readLong();
            s.rejected = in.readLong();
            s.nonFinite = in.readLong();
            s.nonFiniteInputs = in.readLong();
            s.lossSum = ExactSum.readFrom(in);
            s.smoothingSum = ExactSum.readFrom(in);
            s.normalizer = ExactSum.readFrom(in);
            s.spread = SpreadSums.readFrom(in);
            if (in.readBoolean()) {
                s.classification = ClassificationStats.readFrom(in);
            }
            if (in.readBoolean()) {
                s.perClass = PerClassStats.readFrom(in);
            }
            if (in.readBoolean()) {
                s.histogram = LossHistogram.readFrom(in);
            }
            if (in.readBoolean()) {
                s.sequenceStats = SequenceStats.readFrom(in);
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt loss state: " + e.getMessage(), e);
        }
    }

    /** PyTorch's {@code reduction='sum'}. */
    public double sum() {
        double s = smoothed ? lossSum.value() + smoothingSum.value() : lossSum.value();
        if (s == 0.0 && targets == Targets.PROBABILITIES) {
            return -0.0;
        }
        return s;
    }

    /** PyTorch's {@code reduction='mean'}. */
    public double mean() {
        double w = normalizer.value();
        if (smoothed) {
            return lossSum.value() / w + smoothingSum.value() / w;
        }
        return sum() / w;
    }

    /** {@link #sum()} or {@link #mean()}; {@code none} has no single value and is refused. */
    public double reduce(Reduction reduction) {
        switch (reduction) {
            case SUM:
                return sum();
            case MEAN:
                return mean();
            default:
                throw new IllegalArgumentException("reduction none gives one loss per row, not a single value");
        }
    }

    /**
     * The standard error of {@link #mean()}, from the spread of the scored rows' losses (see {@link SpreadSums});
     * NaN for fewer than two scored rows or a non-finite mean.
     */
    public double standardError() {
        return spread.standardError(mean(), scored, weightSum());
    }

    /** The normalizer of the mean: the sum of target-class weights, or the row count for probability targets. */
    public double weightSum() {
        return normalizer.value();
    }

    public long scored() {
        return scored;
    }

    public long ignored() {
        return ignored;
    }

    public long rejected() {
        return rejected;
    }

    public long nonFinite() {
        return nonFinite;
    }

    /** Rows whose logits hold a NaN or an infinity. */
    public long nonFiniteInputs() {
        return nonFiniteInputs;
    }

    /** Every row seen: scored, ignored and rejected; for sequences, the evaluated sequences and rejected rows. */
    public long rows() {
        return sequenceStats != null ? sequenceStats.rows() + rejected : scored + ignored + rejected;
    }
}
