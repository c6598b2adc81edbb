package dev.xent.core;

import java.io.Serializable;

/**
 * The row rule and the loss of input kind {@link InputKind#TARGET_LOG_PROBABILITIES}: rows that hold, for each token,
 * only the log-probability {@code logp} the model gave the target (a forward pass's {@code log_softmax(x).gather(y)},
 * an inference server's prompt log-probs). A row is a sequence of T tokens (the scalar form, one token per row, is a
 * sequence of one), with optionally a mask (tokens to score), per-token weights and per-token target classes (only
 * to apply class weights and the ignore index). {@code docs/semantics.md} states the rule for users; every path
 * (the scan, per-row losses, quarantine, the error naming a row) goes through this class.
 *
 * <p>The rule, in order; the first problem makes the whole row invalid and nothing of it is added:
 * <ol>
 *   <li>Null log-probabilities: invalid ({@link InvalidRowException.Reason#NULL_LOGITS}).</li>
 *   <li>A mask, weights or targets that are null, or whose length is not T: invalid
 *       ({@link InvalidRowException.Reason#RAGGED_TOKENS}); a null mask element too; a null target element is
 *       {@link InvalidRowException.Reason#NULL_TARGET}.</li>
 *   <li>A token is scored unless its mask is false (0) or its target is the ignore index. Unscored tokens are
 *       counted as ignored whatever their values (NaN and null included), as PyTorch ignores a row's logits.</li>
 *   <li>A scored token whose log-probability is NaN (a null element reads as NaN) or positive: invalid
 *       ({@link InvalidRowException.Reason#INVALID_LOG_PROBABILITY}); {@code -inf} is a probability of 0 and is
 *       scored (loss {@code +inf}; the row counts as a non-finite input). A scored token's weight that is NaN,
 *       infinite or null: invalid ({@link InvalidRowException.Reason#INVALID_WEIGHT}). With class weights, a target
 *       outside {@code [0, C)}: invalid ({@link InvalidRowException.Reason#TARGET_OUT_OF_RANGE}).</li>
 *   <li>A scored token weighs {@code w = classWeight[target] * tokenWeight} (either factor 1 when not given) and its
 *       loss is {@code -(w * logp)}; the state's mean divides the exact loss sum by the exact sum of the scored
 *       tokens' {@code w}, as for every other input (see {@link LossState}).</li>
 * </ol>
 */
public final class TargetLogProbs implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Why the per-class kernel refuses this input kind. */
    public static final String NO_DISTRIBUTION = "input kind target-log-probs holds only each target's "
            + "log-probability, not a distribution over classes: evaluate it as a sequence input "
            + "(xent evaluate, Evaluation), not through the per-class kernel";

    private final CrossEntropyOptions options;
    private final long ignoreIndex;
    private final double[] classWeight;

    /**
     * The rule for these options.
     *
     * @param targets true when the rows carry a target class per token (needed for class weights)
     * @throws IllegalArgumentException for label smoothing, or class weights without targets, naming the option
     */
    public TargetLogProbs(CrossEntropyOptions options, boolean targets) {
        if (options.labelSmoothing() > 0.0) {
            throw new IllegalArgumentException("label_smoothing: needs the whole distribution, but target-log-probs "
                    + "rows hold only the target's log-probability");
        }
        if (options.hasWeight() && !targets) {
            throw new IllegalArgumentException("weight: class weights need each token's target class, but "
                    + "target-log-probs rows without a target column have none; give a target column or token weights");
        }
        this.options = options;
        this.ignoreIndex = options.ignoreIndex();
        this.classWeight = options.hasWeight() ? options.weight() : null;
    }

    /** An empty total state for these rows: the standard error and the sequence figure. */
    public LossState emptyState() {
        return LossState.of(options, LossState.Targets.CLASS_INDEX).withFigure(new SequenceStats());
    }

    /**
     * Checks a whole row (see the class notes).
     *
     * @param logp    the target log-probabilities, each null element read as NaN; null for a null row
     * @param mask    which tokens to score, or null when there is no mask column
     * @param weights the token weights (null elements read as NaN), or null when there is no weight column
     * @param targets the target classes, or null when there is no target column
     * @return true when a scored token has a log-probability of {@code -inf} (a non-finite input)
     * @throws InvalidRowException naming the token and what is wrong
     */
    public boolean check(double[] logp, boolean[] mask, double[] weights, long[] targets) {
        if (logp == null) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS, "log-probabilities are null");
        }
        int n = logp.length;
        sameLength(mask == null ? -1 : mask.length, n, "mask");
        sameLength(weights == null ? -1 : weights.length, n, "token weights");
        sameLength(targets == null ? -1 : targets.length, n, "targets");
        boolean nonFinite = false;
        for (int t = 0; t < n; t++) {
            if (!scored(t, mask, targets)) {
                continue;
            }
            double v = logp[t];
            if (Double.isNaN(v)) {
                throw new InvalidRowException(InvalidRowException.Reason.INVALID_LOG_PROBABILITY,
                        "token " + t + ": log-probability is NaN or null");
            }
            if (v > 0.0) {
                throw new InvalidRowException(InvalidRowException.Reason.INVALID_LOG_PROBABILITY,
                        "token " + t + ": log-probability " + v + " is positive (a probability above 1)");
            }
            if (weights != null && (Double.isNaN(weights[t]) || Double.isInfinite(weights[t]))) {
                throw new InvalidRowException(InvalidRowException.Reason.INVALID_WEIGHT,
                        "token " + t + ": weight " + weights[t] + " is not a finite number (or is null)");
            }
            if (classWeight != null && (targets[t] < 0 || targets[t] >= classWeight.length)) {
                throw new InvalidRowException(InvalidRowException.Reason.TARGET_OUT_OF_RANGE,
                        "token " + t + ": target " + targets[t] + " is out of bounds for " + classWeight.length
                        + " class weights");
            }
            nonFinite |= v == Double.NEGATIVE_INFINITY;
        }
        return nonFinite;
    }

    /**
     * Adds one row: each scored token to {@code total} (its sums, counts and figures), each unscored one as
     * ignored, then the row as a sequence with its byte and word counts (0 when not given). All or nothing: the row
     * is checked first ({@link #check}). A row with a scored {@code -inf} also counts as a non-finite input.
     */
    public void add(LossState total, double[] logp, boolean[] mask, double[] weights, long[] targets, long bytes,
            long words) {
        boolean nonFinite = check(logp, mask, weights, targets);
        if (total.sequenceStats() == null) {
            total.withFigure(new SequenceStats());
        }
        LossState own = LossState.bare(options, LossState.Targets.CLASS_INDEX);
        addTokens(total, own, logp, mask, weights, targets);
        if (nonFinite) {
            total.addNonFiniteInput();
        }
        total.addSequence(own, bytes, words);
    }

    /** The row's own exact state (its tokens only, no figures): what a comparison of two models pairs up. */
    public LossState state(double[] logp, boolean[] mask, double[] weights, long[] targets) {
        check(logp, mask, weights, targets);
        LossState own = LossState.bare(options, LossState.Targets.CLASS_INDEX);
        addTokens(own, null, logp, mask, weights, targets);
        return own;
    }

    /** The per-token losses ({@code reduction='none'}): {@code -(w * logp)}, 0 for unscored tokens. */
    public double[] none(double[] logp, boolean[] mask, double[] weights, long[] targets) {
        check(logp, mask, weights, targets);
        double[] out = new double[logp.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = scored(t, mask, targets) ? -(weight(t, weights, targets) * logp[t]) : 0.0;
        }
        return out;
    }

    /**
     * Which tokens a row scores and what each weighs, as one number: a hash of the row's length and of each scored
     * token's position, weight and target (when given). A comparison pairs two models' rows of one document only when
     * they agree on it, as it pairs rows of logits only when their targets agree; rows that differ in mask, token
     * weights, targets or length give different numbers (but for a hash collision, about one in 2^64).
     */
    public long scoredTokens(int length, boolean[] mask, double[] weights, long[] targets) {
        long h = mix(length);
        for (int t = 0; t < length; t++) {
            if (scored(t, mask, targets)) {
                h = mix(h ^ mix(t + 1L));
                h = mix(h ^ Double.doubleToLongBits(weight(t, weights, targets)));
                h = mix(h ^ (targets == null ? 0x9E3779B97F4A7C15L : targets[t]));
            }
        }
        return h;
    }

    /** SplitMix64's finalizer: every input bit moves about half the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void addTokens(LossState a, LossState b, double[] logp, boolean[] mask, double[] weights,
            long[] targets) {
        for (int t = 0; t < logp.length; t++) {
            if (!scored(t, mask, targets)) {
                a.addIgnored();
                if (b != null) {
                    b.addIgnored();
                }
                continue;
            }
            double w = weight(t, weights, targets);
            double loss = -(w * logp[t]);
            a.add(loss, w);
            if (b != null) {
                b.add(loss, w);
            }
        }
    }

    private boolean scored(int t, boolean[] mask, long[] targets) {
        return (mask == null || mask[t]) && (targets == null || targets[t] != ignoreIndex);
    }

    private double weight(int t, double[] weights, long[] targets) {
        if (classWeight == null) {
            return weights == null ? 1.0 : weights[t];
        }
        double w = classWeight[(int) targets[t]];
        return weights == null ? w : w * weights[t];
    }

    private static void sameLength(int length, int tokens, String what) {
        if (length >= 0 && length != tokens) {
            throw new InvalidRowException(InvalidRowException.Reason.RAGGED_TOKENS,
                    "the " + what + " have " + length + " elements but there are " + tokens + " log-probabilities");
        }
    }

    /** The error of a row whose mask, weights or targets are null although their column is given. */
    public static InvalidRowException nullColumn(String what) {
        return new InvalidRowException(InvalidRowException.Reason.RAGGED_TOKENS, "the " + what + " are null");
    }

    /** The error of a row whose mask or targets hold a null element. */
    public static InvalidRowException nullElement(String what, int token) {
        return new InvalidRowException(what.equals("targets") ? InvalidRowException.Reason.NULL_TARGET
                : InvalidRowException.Reason.RAGGED_TOKENS, "token " + token + ": the " + what + " hold a null");
    }
}
