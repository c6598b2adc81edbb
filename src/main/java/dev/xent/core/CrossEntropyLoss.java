package dev.xent.core;

/**
 * {@code torch.nn.CrossEntropyLoss} (and {@code NLLLoss}, with {@link InputKind#LOG_PROBABILITIES}) over an
 * in-memory batch of rows: the reference use of {@link CrossEntropy} and {@link LossState}, and what the golden
 * tests check. C is the options' class count, else the weight length, else the first row's length.
 *
 * <p>Errors name the row: {@code row 3: target 7 is out of bounds: ...}. A batch whose targets and rows differ in
 * number is an error, as in PyTorch. An empty batch gives an empty {@code none}, sum {@code 0.0} ({@code -0.0} for
 * probability targets) and mean NaN.
 */
public final class CrossEntropyLoss {
    private final CrossEntropyOptions options;

    public CrossEntropyLoss(CrossEntropyOptions options) {
        this.options = options;
    }

    public CrossEntropyOptions options() {
        return options;
    }

    /** Per-row losses ({@code reduction='none'}) for class-index targets. */
    public double[] none(double[][] rows, long[] targets) {
        checkBatch(rows.length, targets.length);
        double[] out = new double[rows.length];
        CrossEntropy kernel = kernel(rows);
        eachRow(rows.length, i -> out[i] = kernel.loss(rows[i], targets[i]));
        return out;
    }

    /** The exact state of a batch with class-index targets. */
    public LossState state(double[][] rows, long[] targets) {
        checkBatch(rows.length, targets.length);
        LossState state = LossState.of(options, LossState.Targets.CLASS_INDEX);
        CrossEntropy kernel = kernel(rows);
        eachRow(rows.length, i -> kernel.add(state, rows[i], targets[i]));
        return state;
    }

    /** The options' reduction ({@code sum} or {@code mean}) of a batch with class-index targets. */
    public double reduce(double[][] rows, long[] targets) {
        return state(rows, targets).reduce(options.reduction());
    }

    /** Per-row losses ({@code reduction='none'}) for probability targets. */
    public double[] none(double[][] rows, double[][] probabilities) {
        checkBatch(rows.length, probabilities.length);
        checkProbabilityTargetsAllowed();
        double[] out = new double[rows.length];
        CrossEntropy kernel = kernel(rows);
        eachRow(rows.length, i -> out[i] = kernel.loss(rows[i], probabilities[i]));
        return out;
    }

    /** The exact state of a batch with probability targets. */
    public LossState state(double[][] rows, double[][] probabilities) {
        checkBatch(rows.length, probabilities.length);
        checkProbabilityTargetsAllowed();
        LossState state = LossState.of(options, LossState.Targets.PROBABILITIES);
        CrossEntropy kernel = kernel(rows);
        eachRow(rows.length, i -> kernel.add(state, rows[i], probabilities[i]));
        return state;
    }

    /** The options' reduction ({@code sum} or {@code mean}) of a batch with probability targets. */
    public double reduce(double[][] rows, double[][] probabilities) {
        return state(rows, probabilities).reduce(options.reduction());
    }

    /** Runs {@code step} for rows 0..n-1 in order, naming the row in any invalid-row error. */
    private static void eachRow(int n, java.util.function.IntConsumer step) {
        for (int i = 0; i < n; i++) {
            try {
                step.accept(i);
            } catch (InvalidRowException e) {
                throw e.atRow("row " + i);
            }
        }
    }

    private void checkProbabilityTargetsAllowed() {
        if (options.ignoreIndex() >= 0) {
            throw new IllegalArgumentException("ignore_index is not supported for probability targets: it must be "
                    + "negative, got " + options.ignoreIndex());
        }
    }

    private CrossEntropy kernel(double[][] rows) {
        int classes = RowRule.learnedClasses(options, () -> RowRule.firstLength(rows));
        if (classes == 0 && rows.length > 0) {
            throw new IllegalArgumentException("row 0: cannot tell the number of classes from an empty or null row");
        }
        return new CrossEntropy(options, Math.max(classes, 1));
    }

    private static void checkBatch(int rows, int targets) {
        if (rows != targets) {
            throw new IllegalArgumentException(
                    "Expected input batch_size (" + rows + ") to match target batch_size (" + targets + ").");
        }
    }
}
