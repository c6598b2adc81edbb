package dev.xent.core;

/**
 * The per-row kernel for a fixed number of classes C: PyTorch's per-row cross-entropy ({@code reduction='none'})
 * for class-index and probability targets, and the matching contribution to a {@link LossState}.
 *
 * <p>Class-index target {@code y} with weights {@code w} (all 1 without weights) and label smoothing {@code eps}:
 * {@code l = (1 - eps) * -(w_y * lsm_y) + (eps / C) * -(sum_c lsm_c * w_c)}; with {@code eps = 0} just
 * {@code -(w_y * lsm_y)}. A row whose target equals {@code ignore_index} gives {@code +0.0} whatever its values
 * (even NaN) and adds nothing to a state's sums. Its normalizer share is {@code w_y}.
 *
 * <p>Probability targets {@code p}: {@code l = -(sum_c lsm_c * q_c * w_c)} with {@code q = p * (1 - eps) + eps / C}
 * ({@code q = p} when {@code eps = 0}); targets are used as given (not checked to be a distribution, as in PyTorch);
 * every row's normalizer share is 1. A non-negative ignore index is an error with probability targets.
 *
 * <p>{@code lsm} is the max-shifted log-softmax of the row for {@link InputKind#LOGITS}, the row itself for
 * {@link InputKind#LOG_PROBABILITIES} and its natural log for {@link InputKind#PROBABILITIES}. Arithmetic is in
 * double for float rows too. For logits, the target's {@code lsm_y} is {@link SumExp#logSoftmaxAt(double, double)}
 * of {@code x_y - m} and the other classes' sum of exponentials (the target's term left out of the one pass, added
 * last): {@code -log1p} of that sum when the target holds the maximum, so a loss near 0 (even 1e-300) keeps its
 * relative accuracy instead of rounding to 0 with {@code log(1 + r)}. Non-finite values follow PyTorch: a NaN or {@code +inf} logit gives a NaN loss,
 * {@code -inf} at the target gives {@code +inf}, and {@code 0 * inf} (a zero weight or probability against a
 * {@code -inf} log-probability) gives NaN.
 *
 * <p>Errors ({@link InvalidRowException}): a null row, a row whose length is not C, a target outside {@code [0, C)}
 * that is not the ignore index. Not thread-safe (it reuses scratch buffers); create one per thread.
 *
 * <p>The O(C) loops (max, sum of exponentials, log-probabilities, smoothing and probability sums) run on a
 * {@link SumExp}: {@link SumExp#best()} by default (the Vector API when the JVM has
 * {@code --add-modules jdk.incubator.vector}, else one element at a time); the results agree to within rounding.
 */
public final class CrossEntropy {
    private final int classes;
    private final double[] weight;
    private final long ignoreIndex;
    private final double smoothing;
    private final double keep;
    private final double smoothingPerClass;
    private final InputKind inputKind;
    private final SumExp arithmetic;
    private double[] scratch;
    private double[] targetScratch;
    /** {@code -(w_y * lsm_y)} of the last row evaluated. */
    private double nll;
    /** {@code (eps / C) * -(sum_c w_c * lsm_c)} of the last row evaluated with label smoothing. */
    private double smoothingTerm;
    /** The log-probabilities of the last row evaluated when they were computed (in {@link #scratch}), else null. */
    private double[] lastLogProbabilities;
    /** The one row handed to the figures, refilled for each row. */
    private final ScoredRow scoredRow = new ScoredRow();

    /**
     * A kernel for rows of {@code classes} values.
     *
     * @throws IllegalArgumentException when {@code classes < 1}, or the options' weight or class count disagree with it
     */
    public CrossEntropy(CrossEntropyOptions options, int classes) {
        this(options, classes, SumExp.best());
    }

    /**
     * A kernel for rows of {@code classes} values whose O(C) loops run on {@code arithmetic} (e.g.
     * {@link SumExp#scalar()} to compare with, or benchmark against, the default {@link SumExp#best()}).
     *
     * @throws IllegalArgumentException when {@code classes < 1}, or the options' weight or class count disagree with it
     */
    public CrossEntropy(CrossEntropyOptions options, int classes, SumExp arithmetic) {
        if (arithmetic == null) {
            throw new IllegalArgumentException("arithmetic is null");
        }
        this.arithmetic = arithmetic;
        if (options.inputKind() == InputKind.TARGET_LOG_PROBABILITIES) {
            throw new IllegalArgumentException(TargetLogProbs.NO_DISTRIBUTION);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("the number of classes C must be at least 1, got " + classes);
        }
        if (options.classes() > 0 && options.classes() != classes) {
            throw new IllegalArgumentException(
                    "classes is " + options.classes() + " but the rows have " + classes + " values");
        }
        if (options.hasWeight() && options.weight().length != classes) {
            throw CrossEntropyOptions.weightMismatch(options.weight().length, classes);
        }
        this.classes = classes;
        this.weight = options.weight();
        this.ignoreIndex = options.ignoreIndex();
        this.smoothing = options.labelSmoothing();
        this.keep = 1.0 - smoothing;
        this.smoothingPerClass = smoothing / classes;
        this.inputKind = options.inputKind();
    }

    public int classes() {
        return classes;
    }

    /** True when {@code target} is the ignore index (checked before any range check, as in PyTorch). */
    public boolean isIgnored(long target) {
        return target == ignoreIndex;
    }

    /**
     * The normalizer share of a non-ignored target: its class weight (1 without weights).
     *
     * @throws InvalidRowException when the target is outside {@code [0, C)}
     */
    public double targetWeight(long target) {
        return weight == null ? 1.0 : weight[checkTarget(target)];
    }

    /** PyTorch's per-row loss for a class-index target (see the class notes). */
    public double loss(double[] row, long target) {
        checkRow(row);
        if (isIgnored(target)) {
            return 0.0;
        }
        evaluate(row, checkTarget(target));
        return smoothing == 0.0 ? nll : keep * nll + smoothingTerm;
    }

    /** {@link #loss(double[], long)} for a float row. */
    public double loss(float[] row, long target) {
        checkRow(row);
        if (isIgnored(target)) {
            return 0.0;
        }
        evaluate(row, checkTarget(target));
        return smoothing == 0.0 ? nll : keep * nll + smoothingTerm;
    }

    /**
     * Adds a class-index row to {@code state} (made by {@link LossState#of}): ignored, or scored and handed to the
     * state's figures as one {@link ScoredRow}. Returns the row's loss, as {@link #loss(double[], long)} gives it
     * ({@code 0.0} for an ignored row).
     */
    public double add(LossState state, double[] row, long target) {
        ScoredRow r = score(row, target);
        return addTo(state, r);
    }

    /** {@link #add(LossState, double[], long)} for a float row. */
    public double add(LossState state, float[] row, long target) {
        ScoredRow r = score(row, target);
        return addTo(state, r);
    }

    /** Adds a row scored by {@link #score}, or an ignored row (null); returns its loss. */
    double addTo(LossState state, ScoredRow r) {
        state.classes(classes);
        if (r == null) {
            state.addIgnored();
            return 0.0;
        }
        state.add(r, smoothing == 0.0 ? nll : keep * nll, smoothing == 0.0 ? 0.0 : smoothingTerm);
        return r.loss();
    }

    /** The scored row of a class-index row, or null when its target is the ignore index. */
    ScoredRow score(double[] row, long target) {
        checkRow(row);
        if (isIgnored(target)) {
            return null;
        }
        int y = checkTarget(target);
        evaluate(row, y);
        scoredRow.set(this, null, row, y, null, weightOf(y), classLoss(), lastLogProbabilities);
        return scoredRow;
    }

    /** {@link #score(double[], long)} for a float row. */
    ScoredRow score(float[] row, long target) {
        checkRow(row);
        if (isIgnored(target)) {
            return null;
        }
        int y = checkTarget(target);
        evaluate(row, y);
        scoredRow.set(this, row, null, y, null, weightOf(y), classLoss(), lastLogProbabilities);
        return scoredRow;
    }

    /**
     * Checks a class-index row without evaluating it: its length, and its target's range unless it is the ignore
     * index.
     *
     * @throws InvalidRowException as {@link #loss(double[], long)} would
     */
    void check(Object row, long target) {
        if (row instanceof float[]) {
            checkRow((float[]) row);
        } else {
            checkRow((double[]) row);
        }
        if (!isIgnored(target)) {
            checkTarget(target);
        }
    }

    /** The loss of the class-index row just evaluated, as {@link #loss(double[], long)} gives it. */
    private double classLoss() {
        return smoothing == 0.0 ? nll : keep * nll + smoothingTerm;
    }

    /** Sets {@link #nll} and, with label smoothing, {@link #smoothingTerm} for a valid row and target. */
    private void evaluate(double[] row, int y) {
        lastLogProbabilities = null;
        if (inputKind == InputKind.LOGITS && smoothing == 0.0) {
            nll = -(weightOf(y) * arithmetic.logSoftmaxAt(row, y));
        } else {
            evaluateLogProbabilities(logProbabilities(row, y), y);
        }
    }

    private void evaluate(float[] row, int y) {
        lastLogProbabilities = null;
        if (inputKind == InputKind.LOGITS && smoothing == 0.0) {
            nll = -(weightOf(y) * arithmetic.logSoftmaxAt(row, y));
        } else {
            evaluateLogProbabilities(logProbabilities(row, y), y);
        }
    }

    /** PyTorch's per-row loss for a row of target probabilities (see the class notes). */
    public double loss(double[] row, double[] probabilities) {
        checkRow(row);
        checkProbabilities(probabilities);
        return probabilityLoss(logProbabilities(row, -1), probabilities);
    }

    /** {@link #loss(double[], double[])} for a float row. */
    public double loss(float[] row, double[] probabilities) {
        checkRow(row);
        checkProbabilities(probabilities);
        return probabilityLoss(logProbabilities(row, -1), probabilities);
    }

    /** Adds a probability-target row to {@code state}, with a normalizer share of 1. */
    public void add(LossState state, double[] row, double[] probabilities) {
        double loss = loss(row, probabilities);
        scoredRow.set(this, null, row, -1, probabilities, 1.0, loss, lastLogProbabilities);
        state.classes(classes);
        state.add(scoredRow, loss, 0.0);
    }

    /** {@link #add(LossState, double[], double[])} for a float row. */
    public void add(LossState state, float[] row, double[] probabilities) {
        double loss = loss(row, probabilities);
        scoredRow.set(this, row, null, -1, probabilities, 1.0, loss, lastLogProbabilities);
        state.classes(classes);
        state.add(scoredRow, loss, 0.0);
    }

    private double weightOf(int c) {
        return weight == null ? 1.0 : weight[c];
    }

    private void evaluateLogProbabilities(double[] lsm, int y) {
        nll = -(weightOf(y) * lsm[y]);
        if (smoothing == 0.0) {
            return;
        }
        double s = weight == null ? arithmetic.sum(lsm, classes) : arithmetic.dot(lsm, weight, classes);
        smoothingTerm = (-s) * smoothingPerClass;
    }

    /** {@code -(sum_c (lsm_c * q_c) * w_c)} with {@code q_c = p_c * (1 - eps) + eps / C} ({@code p_c} if eps = 0). */
    private double probabilityLoss(double[] lsm, double[] p) {
        double[] q = p;
        if (smoothing > 0.0) {
            if (targetScratch == null) {
                targetScratch = new double[classes];
            }
            q = targetScratch;
            for (int c = 0; c < classes; c++) {
                q[c] = p[c] * keep + smoothingPerClass;
            }
        }
        double s = weight == null ? arithmetic.dot(lsm, q, classes) : arithmetic.dot(lsm, q, weight, classes);
        return -s;
    }

    /**
     * The row's log-probabilities in the scratch buffer (valid until the next row); for logits, the log-softmax with
     * class {@code y}'s value by {@link SumExp#logSoftmaxAt(double, double)} ({@code y = -1} for a probability target).
     */
    double[] logProbabilities(double[] row, int y) {
        double[] out = scratch();
        lastLogProbabilities = out;
        switch (inputKind) {
            case LOGITS:
                arithmetic.logSoftmax(row, y, out);
                return out;
            case LOG_PROBABILITIES:
                System.arraycopy(row, 0, out, 0, classes);
                return out;
            default:
                for (int c = 0; c < classes; c++) {
                    out[c] = Math.log(row[c]);
                }
                return out;
        }
    }

    /** {@link #logProbabilities(double[], int)} of a float row. */
    double[] logProbabilities(float[] row, int y) {
        double[] out = scratch();
        lastLogProbabilities = out;
        switch (inputKind) {
            case LOGITS:
                arithmetic.logSoftmax(row, y, out);
                return out;
            case LOG_PROBABILITIES:
                for (int c = 0; c < classes; c++) {
                    out[c] = row[c];
                }
                return out;
            default:
                for (int c = 0; c < classes; c++) {
                    out[c] = Math.log(row[c]);
                }
                return out;
        }
    }

    private double[] scratch() {
        if (scratch == null) {
            scratch = new double[classes];
        }
        return scratch;
    }

    private int checkTarget(long target) {
        if (target < 0 || target >= classes) {
            throw new InvalidRowException(InvalidRowException.Reason.TARGET_OUT_OF_RANGE, "target " + target
                    + " is out of bounds: expected a class in [0, " + classes + ") or the ignore index "
                    + ignoreIndex);
        }
        return (int) target;
    }

    private void checkRow(double[] row) {
        if (row == null) {
            throw nullRow();
        }
        if (row.length != classes) {
            throw ragged(row.length);
        }
    }

    private void checkRow(float[] row) {
        if (row == null) {
            throw nullRow();
        }
        if (row.length != classes) {
            throw ragged(row.length);
        }
    }

    private void checkProbabilities(double[] p) {
        if (ignoreIndex >= 0) {
            throw new IllegalArgumentException("ignore_index is not supported for probability targets: it must be "
                    + "negative, got " + ignoreIndex);
        }
        if (p == null) {
            throw RowRule.nullTarget();
        }
        if (p.length != classes) {
            throw new InvalidRowException(InvalidRowException.Reason.RAGGED_PROBABILITIES, "target probabilities have "
                    + p.length + " values; expected one per class (C = " + classes + ")");
        }
    }

    private static InvalidRowException nullRow() {
        return new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS, "logits are null");
    }

    private InvalidRowException ragged(int length) {
        return new InvalidRowException(InvalidRowException.Reason.RAGGED_LOGITS,
                "logits have " + length + " values; expected C = " + classes);
    }
}
