package dev.xent.core;

/**
 * The O(C) loops of a row's log-softmax, in double precision: the maximum, {@code sum_c exp(x_c - shift)}, the
 * shifted log-probabilities {@code (x_c - m) - logSum}, and plain and weighted sums of a {@code double[]}. Float rows
 * are widened to double before any arithmetic.
 *
 * <p>Two implementations give the same values to within rounding (a few ulps of each sum; each
 * {@link #shiftedLogProbabilities} value and each {@link #max} is bit-identical):
 * <ul>
 *   <li>{@link #vector()}: the Java Vector API ({@code jdk.incubator.vector}, whose {@code EXP} lanes are the JDK's
 *       SVML intrinsics on x86-64), several lanes of double at a time. It is available only when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector} on x86-64, and the system property {@code xent.vector} is not
 *       {@code false}.</li>
 *   <li>{@link #scalar()}: one element at a time with {@link Math#exp}.</li>
 * </ul>
 * {@link #best()} is the vector one when available, else the scalar one; the choice is made once per JVM (any
 * {@link LinkageError} while loading the vector class, e.g. an absent module, selects the scalar one).
 *
 * <p>For one row and one implementation, a {@code float[]} row gives the bits of its widened {@code double[]} row
 * (a NaN result may differ in its sign bit or payload, never in being NaN).
 *
 * <p>Bits across machines: the scalar kernel adds in index order, whatever the CPU. The vector kernel's sums depend
 * on the lane count (8 with AVX-512, 4 with AVX2) and on the JDK's SVML variant for that width, so JVMs on
 * different CPUs may differ in the last bits of a row's loss, and a cluster of mixed CPUs can give results whose
 * last bits depend on where each partition ran; within one JVM, rows of 2L or more values can differ in the last
 * bit before and after the JIT compiles the vector kernel (see {@code VectorSumExp}). {@code -Dxent.vector=false} on
 * every JVM (driver and executors) removes both.
 *
 * <p>Non-finite values: NaN entries are skipped by {@link #max} (as {@code v > m} skips them) and poison every sum;
 * {@code exp(-inf - shift)} is {@code 0} for a finite shift; an entry equal to an infinite shift gives NaN
 * ({@code inf - inf}), so with the row's own maximum as the shift a row holding {@code +inf}, or all {@code -inf},
 * has a NaN sum. Empty rows: {@link #max} is {@code -inf}, every sum is {@code +0.0}.
 */
public abstract class SumExp {
    SumExp() {
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

    /** A short name: {@code "vector(8 x double)"} or {@code "scalar"}. */
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
            String arch = System.getProperty("os.arch", "");
            if (!arch.equals("amd64") && !arch.equals("x86_64")) {
                // Elsewhere the JDK 17 EXP lanes are not intrinsified and are slower than Math.exp.
                whyNot = "no SVML intrinsics on " + arch;
                return null;
            }
            try {
                Class<?> c = Class.forName("dev.xent.core.VectorSumExp");
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

    /** Compares a few rows with the scalar kernel, NaN and infinities included (the guard of {@link Best}). */
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
        double a = sumExpShifted(row, m);
        double b = s.sumExpShifted(row, m);
        if (m != s.max(row) || !(Math.abs(a - b) <= 1e-13 * b)) {
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
