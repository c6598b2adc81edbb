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

    /** The sequence's own exact state (class-index targets). */
    public LossState state(float[][] tokens, long[] targets) {
        checkShape(tokens == null ? -1 : tokens.length, targets);
        LossState s = LossState.of(options, LossState.Targets.CLASS_INDEX);
        for (int t = 0; t < tokens.length; t++) {
            int token = t;
            atToken(t, () -> kernel.add(s, tokens[token], targets[token]));
        }
        return s;
    }

    /** {@link #state(float[][], long[])} for double logits. */
    public LossState state(double[][] tokens, long[] targets) {
        checkShape(tokens == null ? -1 : tokens.length, targets);
        LossState s = LossState.of(options, LossState.Targets.CLASS_INDEX);
        for (int t = 0; t < tokens.length; t++) {
            int token = t;
            atToken(t, () -> kernel.add(s, tokens[token], targets[token]));
        }
        return s;
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

    /** Adds a sequence to {@code total}: its tokens to the sums and counts, itself to the sequence statistics. */
    public static void addTo(LossState total, LossState sequence) {
        total.merge(sequence);
        total.sequenceStats().add(sequence);
    }

    private static void checkShape(int tokens, long[] targets) {
        if (tokens < 0) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS, "logits are null");
        }
        if (targets == null) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "target is null");
        }
        if (targets.length != tokens) {
            throw new InvalidRowException(InvalidRowException.Reason.RAGGED_LOGITS,
                    "logits have " + tokens + " tokens but the target has " + targets.length);
        }
    }
}
