package dev.xent.core;

/**
 * The O(C) loops of a row's log-softmax, in double precision: the maximum, {@code sum_c exp(x_c - shift)} (with or
 * without one value's term), the shifted log-probabilities {@code (x_c - m) - logSum}, and plain and weighted sums of
 * a {@code double[]}; and the one rule that turns them into a log-probability, {@link #logSoftmaxAt(double, double)}
 * ({@code -log1p} of the other classes' sum when the class holds the maximum, so tiny losses keep their relative
 * accuracy). Float rows are widened to double before any arithmetic.
 *
 * <p>One order for every reduction, eight lanes: value {@code c} goes into lane {@code c mod 8} (each lane adds its
 * values in index order, from {@code +0.0}; the maximum keeps a lane's value unless a later one is greater), and the
 * lanes are combined as {@link #addLanes} and {@link #maxLanes} say. Exponentials are {@link Exp#exp}, built from
 * exact IEEE operations. So the results depend on nothing but the input: the same bits on every x86-64 CPU (AVX2 or
 * AVX-512), interpreted or compiled, in both implementations:
 * <ul>
 *   <li>{@link #vector()}: the Java Vector API ({@code jdk.incubator.vector}), two 256-bit vectors for the eight
 *       lanes. It is available only when the JVM runs with {@code --add-modules jdk.incubator.vector}, its JIT
 *       compiles vectors of 256 bits or more (x86-64 with AVX2 or AVX-512), and the system property
 *       {@code xent.vector} is not {@code false}.</li>
 *   <li>{@link #scalar()}: one element at a time, about half the speed or less.</li>
 * </ul>
 * {@link #best()} is the vector one when available, else the scalar one; the choice is made once per JVM (any
 * {@link LinkageError} while loading the vector class, e.g. an absent module, selects the scalar one).
 *
 * <p>For one row, a {@code float[]} row gives the bits of its widened {@code double[]} row (a NaN result may differ
 * in its sign bit or payload, never in being NaN).
 *
 * <p>Non-finite values: NaN entries are skipped by {@link #max} (as {@code v > m} skips them) and poison every sum;
 * {@code exp(-inf - shift)} is {@code 0} for a finite shift; an entry equal to an infinite shift gives NaN
 * ({@code inf - inf}), so with the row's own maximum as the shift a row holding {@code +inf}, or all {@code -inf},
 * has a NaN sum. {@link #sumExpShiftedWithout} leaves its one value out entirely: a NaN or infinity there does not
 * reach the sum (the log-probability rule sees it through {@code x_y - m} instead). Empty rows: {@link #max} is
 * {@code -inf}, every sum is {@code +0.0}.
 */
public abstract class SumExp {
    /** The number of lanes every reduction is split into (see the class notes). */
    static final int LANES = 8;

    SumExp() {
    }

    /** The eight lane sums combined: {@code ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7))}. */
    static double addLanes(double[] l) {
        return ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7]));
    }

    /** The eight lane maxima combined in {@link #addLanes}'s order, each pair keeping its first unless the second is greater. */
    static double maxLanes(double[] l) {
        return greater(greater(greater(l[0], l[4]), greater(l[1], l[5])),
                greater(greater(l[2], l[6]), greater(l[3], l[7])));
    }

    private static double greater(double a, double b) {
        return b > a ? b : a;
    }

    /** The implementation used by default: {@link #vector()} when available, else {@link #scalar()}. */
    public static SumExp best() {
        return Best.INSTANCE;
    }

    /** The one-element-at-a-time implementation (always available). */
    public static SumExp scalar() {
        return ScalarSumExp.INSTANCE;
    }

    /**
     * The Vector API implementation.
     *
     * @throws UnsupportedOperationException when it is not available in this JVM (see the class notes)
     */
    public static SumExp vector() {
        SumExp v = Best.VECTOR;
        if (v == null) {
            throw new UnsupportedOperationException("the vector kernel is not available: " + Best.whyNot);
        }
        return v;
    }

    /** True when {@link #vector()} is available in this JVM. */
    public static boolean vectorAvailable() {
        return Best.VECTOR != null;
    }

    /** A short name: {@code "vector(8-lane)"} or {@code "scalar"}. */
    public abstract String name();

    /** The largest value widened to double ({@code -inf} when empty; NaN entries are skipped). */
    public abstract double max(double[] x);

    /** {@link #max(double[])} of a float row. */
    public abstract double max(float[] x);

    /** {@code sum_c exp(x_c - shift)}: NaN when {@code shift} or an {@code x_c} is NaN, or an {@code x_c = shift = ±inf}. */
    public final double sumExpShifted(double[] x, double shift) {
        return sumExpShiftedWithout(x, shift, -1);
    }

    /** {@link #sumExpShifted(double[], double)} of a float row (each value widened first). */
    public final double sumExpShifted(float[] x, double shift) {
        return sumExpShiftedWithout(x, shift, -1);
    }

    /**
     * {@code sum_{c != skip} exp(x_c - shift)}, in one pass: the eight lanes of {@link #sumExpShifted}, except that
     * value {@code skip}'s lane adds nothing for it (whatever it is, NaN and infinities included). A {@code skip}
     * outside {@code [0, n)} leaves nothing out. NaN when {@code shift} or another {@code x_c} is NaN, or another
     * {@code x_c = shift = ±inf}; {@code +0.0} for an empty row or a row of the one value {@code skip}.
     */
    public abstract double sumExpShiftedWithout(double[] x, double shift, int skip);

    /** {@link #sumExpShiftedWithout(double[], double, int)} of a float row (each value widened first). */
    public abstract double sumExpShiftedWithout(float[] x, double shift, int skip);

    /** Writes {@code out[c] = (x_c - m) - logSum} for every c of {@code x} (bit-identical in both implementations). */
    public abstract void shiftedLogProbabilities(double[] x, double m, double logSum, double[] out);

    /** {@link #shiftedLogProbabilities(double[], double, double, double[])} of a float row. */
    public abstract void shiftedLogProbabilities(float[] x, double m, double logSum, double[] out);

    /** True when any value is NaN or ±infinity; false for an empty row. */
    public abstract boolean anyNonFinite(float[] x);

    /** True when any value is NaN or ±infinity; false for an empty row. */
    public abstract boolean anyNonFinite(double[] x);

    /** {@code sum_c a_c} over the first {@code n} values ({@code +0.0} when {@code n = 0}). */
    public abstract double sum(double[] a, int n);

    /** {@code sum_c a_c * b_c} over the first {@code n} values; {@code 0 * inf} gives NaN. */
    public abstract double dot(double[] a, double[] b, int n);

    /** {@code sum_c (a_c * b_c) * w_c} over the first {@code n} values; {@code 0 * inf} gives NaN. */
    public abstract double dot(double[] a, double[] b, double[] w, int n);

    /**
     * The log-softmax of {@code x} at {@code y}, {@code lsm_y}, accurate to a few ulps relative even when it is tiny:
     * with {@code m = max(x)}, {@code d = x_y - m} and {@code r = sum_{c != y} exp(x_c - m)} (one pass,
     * {@link #sumExpShiftedWithout}), it is {@link #logSoftmaxAt(double, double)}. NaN when any value is NaN or
     * {@code +inf} or all are {@code -inf}; {@code -inf} when only {@code x_y} is {@code -inf}.
     */
    public final double logSoftmaxAt(double[] x, int y) {
        double m = max(x);
        return logSoftmaxAt(x[y] - m, sumExpShiftedWithout(x, m, y));
    }

    /** {@link #logSoftmaxAt(double[], int)} of a float row (each value widened first). */
    public final double logSoftmaxAt(float[] x, int y) {
        double m = max(x);
        return logSoftmaxAt((double) x[y] - m, sumExpShiftedWithout(x, m, y));
    }

    /**
     * The one rule for a log-probability from its two parts, {@code d = x_y - m} and {@code r = sum_{c != y}
     * exp(x_c - m)}: {@code d - log1p(r)} when {@code x_y} is the maximum ({@code d == 0}), else
     * {@code d - log(r + exp(d))}, the target's term added last. The first form keeps a loss near 0 exact to a few
     * ulps relative: {@code log(1 + r)} would round {@code 1 + r} and lose all of a loss below 1e-16. The second
     * needs no care: a value that is not the maximum has {@code lsm_y <= -log 2}. NaN when {@code d} or {@code r} is
     * NaN (so {@code x_y = m = ±inf} gives NaN); {@code -inf} when {@code d = -inf} and {@code r > 0}.
     */
    static double logSoftmaxAt(double d, double others) {
        return d == 0.0 ? d - Math.log1p(others) : d - Math.log(others + Exp.exp(d));
    }

    /**
     * Writes the log-softmax of {@code x} into {@code out}, every value accurate to a few ulps relative (a
     * probability near 1 too): with {@code m = max(x)} and {@code k} a class holding it ({@code y} when it does, else
     * the first that does), {@code r = sum_{c != k} exp(x_c - m)} (one pass, {@link #sumExpShiftedWithout}) and
     * {@code out[c] = (x_c - m) - log1p(r)}; so {@code out[k] = 0 - log1p(r)}, which is
     * {@link #logSoftmaxAt(double, double)}'s value, and {@code out[y]} has {@link #logSoftmaxAt(double[], int)}'s bits
     * whenever {@code y} holds the maximum. {@code y < 0}: no class is preferred. Non-finite values, as in PyTorch:
     * every value is NaN when any {@code x_c} is NaN or {@code +inf}, or all are {@code -inf}; a {@code -inf} value
     * (others finite) gives {@code -inf}.
     */
    public final void logSoftmax(double[] x, int y, double[] out) {
        double m = max(x);
        int k = Double.isInfinite(m) ? -1 : y >= 0 && x[y] == m ? y : indexOf(x, m);
        double others = sumExpShiftedWithout(x, m, k);
        shiftedLogProbabilities(x, m, k < 0 ? Math.log(others) : Math.log1p(others), out);
    }

    /** {@link #logSoftmax(double[], int, double[])} of a float row (each value widened first). */
    public final void logSoftmax(float[] x, int y, double[] out) {
        double m = max(x);
        int k = Double.isInfinite(m) ? -1 : y >= 0 && x[y] == m ? y : indexOf(x, m);
        double others = sumExpShiftedWithout(x, m, k);
        shiftedLogProbabilities(x, m, k < 0 ? Math.log(others) : Math.log1p(others), out);
    }

    /**
     * The first class whose value is {@code m} (found: {@code m} is the row's finite maximum), else -1: an infinite
     * maximum is left to the full sum, whose {@code inf - inf} (or all {@code -inf}) gives PyTorch's NaN.
     */
    private static int indexOf(double[] x, double m) {
        for (int c = 0; c < x.length; c++) {
            if (x[c] == m) {
                return c;
            }
        }
        return -1;
    }

    private static int indexOf(float[] x, double m) {
        for (int c = 0; c < x.length; c++) {
            if (x[c] == m) {
                return c;
            }
        }
        return -1;
    }

    /** {@code log(sum_c exp(x_c - m))}: with {@code m = max(x)}, the log-sum of a max-shifted log-softmax. */
    public final double logSumShifted(double[] x, double m) {
        return Math.log(sumExpShifted(x, m));
    }

    /** {@link #logSumShifted(double[], double)} of a float row. */
    public final double logSumShifted(float[] x, double m) {
        return Math.log(sumExpShifted(x, m));
    }

    /** Loads the vector implementation once; any failure leaves {@link #VECTOR} null. */
    private static final class Best {
        static String whyNot = "";
        static final SumExp VECTOR = loadVector();
        static final SumExp INSTANCE = VECTOR != null ? VECTOR : ScalarSumExp.INSTANCE;

        private static SumExp loadVector() {
            if ("false".equalsIgnoreCase(System.getProperty("xent.vector"))) {
                whyNot = "disabled by -Dxent.vector=false";
                return null;
            }
            try {
                Class<?> c = Class.forName("dev.xent.core.VectorSumExp");
                int bits = (int) c.getDeclaredMethod("hardwareBits").invoke(null);
                if (bits < 256) {
                    // Narrower vectors would run the 256-bit lanes through the Vector API's slow Java fallback.
                    whyNot = "the JIT compiles vectors of " + bits + " bits, the kernel needs 256";
                    return null;
                }
                SumExp v = (SumExp) c.getDeclaredConstructor().newInstance();
                if (!v.agreesWithScalar()) {
                    whyNot = "its self-check against the scalar kernel failed";
                    return null;
                }
                return v;
            } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
                whyNot = "run the JVM with --add-modules jdk.incubator.vector (" + e + ")";
                return null;
            }
        }
    }

    /** Compares a few rows with the scalar kernel, bit for bit, NaN and infinities included (the guard of {@link Best}). */
    boolean agreesWithScalar() {
        double[] row = new double[37];
        for (int i = 0; i < row.length; i++) {
            row[i] = (i * 7 % 11) - 5.5;
        }
        row[3] = Double.NEGATIVE_INFINITY;
        double[] allMinusInfinity = new double[40];
        java.util.Arrays.fill(allMinusInfinity, Double.NEGATIVE_INFINITY);
        SumExp s = ScalarSumExp.INSTANCE;
        double m = max(row);
        if (m != s.max(row) || sumExpShifted(row, m) != s.sumExpShifted(row, m)) {
            return false;
        }
        if (sumExpShiftedWithout(row, m, 13) != s.sumExpShiftedWithout(row, m, 13)
                || sumExpShiftedWithout(row, m, 34) != s.sumExpShiftedWithout(row, m, 34)) {
            return false;
        }
        row[20] = Double.NaN;
        if (!Double.isNaN(sumExpShifted(row, max(row))) || max(row) != s.max(row)) {
            return false;
        }
        row[20] = Double.POSITIVE_INFINITY;
        return Double.isNaN(sumExpShifted(row, max(row)))
                && Double.isNaN(sumExpShifted(allMinusInfinity, Double.NEGATIVE_INFINITY));
    }
}
