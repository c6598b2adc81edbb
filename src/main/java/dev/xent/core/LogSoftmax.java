package dev.xent.core;

/**
 * Max-shifted log-softmax and log-sum-exp in double precision, for {@code double[]} and {@code float[]} rows
 * ({@code float} values are widened to {@code double} before any arithmetic).
 *
 * <p>Max-shifted as PyTorch: {@code lsm_c = (x_c - m) - log1p(r)} with {@code m = max_k x_k} and {@code r} the sum
 * of {@code exp(x_k - m)} over every class but one holding the maximum ({@link SumExp#logSoftmax}), so logits of any
 * magnitude (±1e4, ±1e30, ±Float.MAX_VALUE) neither overflow nor lose the small differences that decide the loss,
 * a log-probability near 0 keeps its relative accuracy (PyTorch's {@code log(1 + r)} rounds it to 0 below about
 * 1e-16), and {@code -inf} entries act as masks.
 *
 * <p>Non-finite input, as in PyTorch: a NaN anywhere, a {@code +inf} anywhere, or a row that is all {@code -inf}
 * makes every log-softmax value NaN. An empty row has no log-softmax; {@link #logSumExp} of it is {@code -inf}.
 *
 * <p>The loops run on {@link SumExp#best()} (the Vector API when the JVM has it, else one element at a time).
 */
public final class LogSoftmax {
    private static final SumExp ARITHMETIC = SumExp.best();

    private LogSoftmax() {
    }

    /** The largest value ({@code -inf} for an empty row; NaN entries are skipped: they poison the sum later). */
    public static double max(double[] x) {
        return ARITHMETIC.max(x);
    }

    /** The largest value, widened to double. */
    public static double max(float[] x) {
        return ARITHMETIC.max(x);
    }

    /** {@code log(sum_c exp(x_c - shift))}: NaN when {@code shift} is infinite or any {@code x_c} is NaN. */
    public static double logSumShifted(double[] x, double shift) {
        return ARITHMETIC.logSumShifted(x, shift);
    }

    /** {@code log(sum_c exp(x_c - shift))} with each value widened to double first. */
    public static double logSumShifted(float[] x, double shift) {
        return ARITHMETIC.logSumShifted(x, shift);
    }

    /**
     * {@code log(sum_c exp(x_c))} as {@code torch.logsumexp}: an infinite maximum is not shifted, so a row with a
     * {@code +inf} gives {@code +inf}, an all {@code -inf} or empty row gives {@code -inf}, and a NaN gives NaN.
     */
    public static double logSumExp(double[] x) {
        double m = max(x);
        double shift = Double.isInfinite(m) ? 0.0 : m;
        return shift + logSumShifted(x, shift);
    }

    /** {@link #logSumExp(double[])} for a float row. */
    public static double logSumExp(float[] x) {
        double m = max(x);
        double shift = Double.isInfinite(m) ? 0.0 : m;
        return shift + logSumShifted(x, shift);
    }

    /** The log-softmax of a row, as {@code torch.log_softmax(x, dim=-1)} in float64. */
    public static double[] of(double[] x) {
        double[] out = new double[x.length];
        ARITHMETIC.logSoftmax(x, -1, out);
        return out;
    }

    /**
     * A row's log-probabilities for its {@link InputKind}: the log-softmax of logits, log-probabilities as they are
     * (a copy), or the natural log of probabilities.
     */
    public static double[] logProbabilities(double[] x, InputKind kind) {
        switch (kind) {
            case LOGITS:
                return of(x);
            case LOG_PROBABILITIES:
                return x.clone();
            default: {
                double[] out = new double[x.length];
                for (int c = 0; c < x.length; c++) {
                    out[c] = Math.log(x[c]);
                }
                return out;
            }
        }
    }

    /** The log-softmax of a float row, computed in double. */
    public static double[] of(float[] x) {
        double[] out = new double[x.length];
        ARITHMETIC.logSoftmax(x, -1, out);
        return out;
    }
}
