package dev.xent.core;

/**
 * What the kernel knows about one scored row, built once per row and handed to every {@link Figure}: the class
 * target (or the probability target), the row's share of the normalizer, its loss, and its log-probabilities,
 * computed at most once per row and only when a figure asks for them. The kernel reuses one instance per thread:
 * a figure must not keep it.
 *
 * <p>A sequence row ({@link #sequence()} not null) stands for a whole language-model sequence after its tokens were
 * added as rows of their own: it carries that sequence's own state and its byte and word counts. Figures other than
 * the sequence figure skip it.
 */
public final class ScoredRow {
    private int target = -1;
    private double[] probabilities;
    private double weight;
    private double loss;
    private double targetTerm;
    private double smoothingTerm;
    private CrossEntropy kernel;
    private float[] floatRow;
    private double[] doubleRow;
    private double[] logProbabilities;
    private int argmax = -1;
    private LossState sequence;
    private long bytes;
    private long words;

    /** A row with only a loss and a weight (no log-probabilities): what {@link LossState#add(double, double)} adds. */
    static ScoredRow ofLoss(double loss, double weight) {
        ScoredRow r = new ScoredRow();
        r.loss = loss;
        r.weight = weight;
        return r;
    }

    /** A whole sequence: its own state and its byte and word counts (0 when not given). */
    public static ScoredRow ofSequence(LossState sequence, long bytes, long words) {
        ScoredRow r = new ScoredRow();
        r.sequence = sequence;
        r.bytes = bytes;
        r.words = words;
        return r;
    }

    void set(CrossEntropy kernel, float[] floatRow, double[] doubleRow, int target, double[] probabilities,
            double weight, double loss, double[] logProbabilities) {
        this.kernel = kernel;
        this.floatRow = floatRow;
        this.doubleRow = doubleRow;
        this.target = target;
        this.probabilities = probabilities;
        this.weight = weight;
        this.loss = loss;
        this.logProbabilities = logProbabilities;
        this.argmax = -1;
    }

    /** The target class, or -1 for a probability target. */
    public int target() {
        return target;
    }

    /** The target probabilities as given, or null for a class target. */
    public double[] probabilities() {
        return probabilities;
    }

    /** The row's share of the normalizer: the target-class weight, or 1 for probability targets. */
    public double weight() {
        return weight;
    }

    /** Sets the loss's two terms ({@link LossState} does, before any figure sees the row). */
    void terms(double targetTerm, double smoothingTerm) {
        this.targetTerm = targetTerm;
        this.smoothingTerm = smoothingTerm;
    }

    /**
     * The loss's target term: the loss itself without label smoothing, else {@code (1 - eps) * -(w_y * lsm_y)}
     * (see {@link LossState}).
     */
    public double targetTerm() {
        return targetTerm;
    }

    /** The loss's smoothing term: 0 without label smoothing, else {@code (eps / C) * -(sum_c w_c * lsm_c)}. */
    public double smoothingTerm() {
        return smoothingTerm;
    }

    /** The row's loss, as {@code reduction='none'} gives it. */
    public double loss() {
        return loss;
    }

    /**
     * The row's log-probabilities (the kernel's log-softmax, the row itself, or its log, by input kind), computed
     * the first time a figure asks; NaN everywhere for a row with a NaN or {@code +inf} logit.
     *
     * @throws IllegalStateException for a row added by its loss alone
     */
    public double[] logProbabilities() {
        if (logProbabilities == null) {
            if (kernel == null) {
                throw new IllegalStateException("this row was added by its loss alone; it has no log-probabilities");
            }
            logProbabilities = floatRow != null ? kernel.logProbabilities(floatRow, target)
                    : kernel.logProbabilities(doubleRow, target);
        }
        return logProbabilities;
    }

    /**
     * The predicted class: the first largest log-probability, or the first NaN when the row has one (so a NaN row
     * is never counted as correct by chance of a later class).
     */
    public int argmax() {
        if (argmax < 0) {
            double[] lsm = logProbabilities();
            int best = 0;
            for (int c = 1; c < lsm.length; c++) {
                double v = lsm[c];
                if (v > lsm[best] || Double.isNaN(v) && !Double.isNaN(lsm[best])) {
                    best = c;
                }
            }
            argmax = best;
        }
        return argmax;
    }

    /** The sequence this row stands for, or null for an ordinary row. */
    public LossState sequence() {
        return sequence;
    }

    public long bytes() {
        return bytes;
    }

    public long words() {
        return words;
    }
}
