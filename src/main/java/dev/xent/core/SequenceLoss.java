package dev.xent.core;

/**
 * PyTorch's K-dimensional cross-entropy for one sequence: logits {@code (T, C)} and targets {@code (T)}, as
 * {@code cross_entropy(x.permute(0, 2, 1), y)} treats each position of an {@code (N, C, T)} batch: every token is a
 * row for the mean and sum (weighted by its target weight, ignored tokens left out). The sequence is all or
 * nothing: an invalid token makes the whole row invalid, and nothing of it is added.
 */
public final class SequenceLoss {
    private final CrossEntropyOptions options;
    private final CrossEntropy kernel;

    public SequenceLoss(CrossEntropyOptions options, int classes) {
        this.options = options;
        this.kernel = new CrossEntropy(options, classes);
    }

    /** The sequence's own exact state (class-index targets), without figures. */
    public LossState state(float[][] tokens, long[] targets) {
        LossState s = LossState.bare(options, LossState.Targets.CLASS_INDEX);
        add(s, null, tokens, targets);
        return s;
    }

    /** {@link #state(float[][], long[])} for double logits. */
    public LossState state(double[][] tokens, long[] targets) {
        LossState s = LossState.bare(options, LossState.Targets.CLASS_INDEX);
        add(s, null, tokens, targets);
        return s;
    }

    /**
     * Adds one sequence to {@code total}: each token as a row (to the sums, counts and figures), then the sequence
     * itself, with its byte and word counts (0 when not given), to the sequence figure (added to {@code total} if
     * it has none). All or nothing: every token is checked before any is added.
     *
     * @param tokens a {@code float[][]} or {@code double[][]}
     */
    public void add(LossState total, Object tokens, long[] targets, long bytes, long words) {
        if (total.sequenceStats() == null) {
            total.withFigure(new SequenceStats());
        }
        LossState own = LossState.bare(options, LossState.Targets.CLASS_INDEX);
        add(total, own, tokens, targets);
        total.addSequence(own, bytes, words);
    }

    /** Checks every token, then adds each to {@code a} and (when not null) {@code b}. */
    private void add(LossState a, LossState b, Object tokens, long[] targets) {
        Object[] rows = (Object[]) tokens;
        checkShape(rows == null ? -1 : rows.length, targets);
        for (int t = 0; t < rows.length; t++) {
            int token = t;
            atToken(t, () -> kernel.check(rows[token], targets[token]));
        }
        for (int t = 0; t < rows.length; t++) {
            ScoredRow r = rows[t] instanceof float[] ? kernel.score((float[]) rows[t], targets[t])
                    : kernel.score((double[]) rows[t], targets[t]);
            kernel.addTo(a, r);
            if (b != null) {
                kernel.addTo(b, r);
            }
        }
    }

    /** Runs one token's step, naming the token in any invalid-row error. */
    private static void atToken(int t, Runnable step) {
        try {
            step.run();
        } catch (InvalidRowException e) {
            throw new InvalidRowException(e.reason(), "token " + t + ": " + e.detail());
        }
    }

    /** The per-token losses ({@code reduction='none'}): 0 for ignored tokens. */
    public double[] none(double[][] tokens, long[] targets) {
        checkShape(tokens == null ? -1 : tokens.length, targets);
        double[] out = new double[tokens.length];
        for (int t = 0; t < tokens.length; t++) {
            int token = t;
            atToken(t, () -> out[token] = kernel.loss(tokens[token], targets[token]));
        }
        return out;
    }

    private static void checkShape(int tokens, long[] targets) {
        if (tokens < 0) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS, "logits are null");
        }
        if (targets == null) {
            throw RowRule.nullTarget();
        }
        if (targets.length != tokens) {
            throw new InvalidRowException(InvalidRowException.Reason.RAGGED_LOGITS,
                    "logits have " + tokens + " tokens but the target has " + targets.length);
        }
    }
}
