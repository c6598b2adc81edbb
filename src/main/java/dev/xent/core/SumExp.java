package dev.xent.core;

/**
 * The O(C) loops of a row's log-softmax, in double precision: the maximum, {@code sum_c exp(x_c - shift)}, the
 * shifted log-probabilities {@code (x_c - m) - logSum}, and plain and weighted sums of a {@code double[]}. Float rows
 * are widened to double before any arithmetic.
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
 * has a NaN sum. Empty rows: {@link #max} is {@code -inf}, every sum is {@code +0.0}.
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
    public abstract double sumExpShifted(double[] x, double shift);

    /** {@link #sumExpShifted(double[], double)} of a float row (each value widened first). */
    public abstract double sumExpShifted(float[] x, double shift);

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
        row[20] = Double.NaN;
        if (!Double.isNaN(sumExpShifted(row, max(row))) || max(row) != s.max(row)) {
            return false;
        }
        row[20] = Double.POSITIVE_INFINITY;
        return Double.isNaN(sumExpShifted(row, max(row)))
                && Double.isNaN(sumExpShifted(allMinusInfinity, Double.NEGATIVE_INFINITY));
    }
}
