package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The two {@link SumExp} kernels: the vector one is what the build runs (Surefire adds the module), the scalar one
 * is the fallback; both must pass the torch golden cases, give the same bits, and keep every non-finite rule.
 */
class SumExpTest {
    private static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0,
        -0.0, 1e308, -1e308, Float.MAX_VALUE, -Float.MAX_VALUE, 1e-320};

    private static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @Test
    void theBuildRunsTheVectorKernelWhereItCan() {
        String arch = System.getProperty("os.arch");
        assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "the vector kernel is for x86-64");
        assertTrue(vectorModulePresent(), "Surefire's argLine should add jdk.incubator.vector");
        assertTrue(SumExp.vectorAvailable());
        assertTrue(SumExp.best().name().startsWith("vector("), SumExp.best().name());
        assertEquals("scalar", SumExp.scalar().name());
    }

    @TestFactory
    Stream<DynamicTest> goldenCasesOnTheScalarKernel() {
        return goldenCases(SumExp.scalar());
    }

    @TestFactory
    Stream<DynamicTest> goldenCasesOnTheVectorKernel() {
        assumeTrue(SumExp.vectorAvailable(), "no vector kernel in this JVM");
        return goldenCases(SumExp.vector());
    }

    private static Stream<DynamicTest> goldenCases(SumExp arithmetic) {
        return Stream.concat(GoldenCase.load("random.jsonl").stream(), GoldenCase.load("named.jsonl").stream())
                .map(c -> DynamicTest.dynamicTest(c.name, () -> checkGolden(c, arithmetic)));
    }

    /** Per-row, sum and mean values of one golden case, with every kernel made on {@code arithmetic}. */
    private static void checkGolden(GoldenCase c, SumExp arithmetic) {
        JsonNode expected = c.node.get("expected");
        String where = arithmetic.name() + " " + c.name;
        CrossEntropyOptions options = c.options(Reduction.MEAN);
        int classes = options.classes() > 0 ? options.classes()
                : options.hasWeight() ? options.weight().length
                : c.logits.length > 0 ? c.logits[0].length : 1;
        CrossEntropy kernel = new CrossEntropy(options, Math.max(classes, 1), arithmetic);
        double[] torchNone = GoldenCase.numbers(expected.get("none"));
        double[] exactNone = GoldenCase.numbers(c.exact("none"));
        assertEquals(torchNone.length, c.logits.length, where);
        LossState state = LossState.of(options, c.hasProbabilityTargets()
                ? LossState.Targets.PROBABILITIES : LossState.Targets.CLASS_INDEX);
        for (int i = 0; i < c.logits.length; i++) {
            double loss = c.hasProbabilityTargets()
                    ? kernel.loss(c.logits[i], c.probabilities[i])
                    : kernel.loss(c.logits[i], c.targets[i]);
            TorchMatch.check(where + " none[" + i + "]", torchNone[i], exactNone[i], loss);
            if (c.hasProbabilityTargets()) {
                kernel.add(state, c.logits[i], c.probabilities[i]);
            } else {
                kernel.add(state, c.logits[i], c.targets[i]);
            }
        }
        TorchMatch.check(where + " sum", expected.get("sum"), c.exact("sum"), state.reduce(Reduction.SUM));
        TorchMatch.check(where + " mean", expected.get("mean"), c.exact("mean"), state.reduce(Reduction.MEAN));
    }

    @Test
    void vectorAgreesWithScalarOnEveryLengthAndSpecialValue() {
        assumeTrue(SumExp.vectorAvailable(), "no vector kernel in this JVM");
        SumExp v = SumExp.vector();
        SumExp s = SumExp.scalar();
        Random r = new Random(5);
        for (int trial = 0; trial < 3000; trial++) {
            int n = trial < 200 ? trial % 70 : r.nextInt(2000);
            double[] x = new double[n];
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 1));
                x[i] = f[i];
            }
            int specials = n == 0 ? 0 : r.nextInt(3);
            for (int k = 0; k < specials; k++) {
                int at = r.nextInt(n);
                x[at] = SPECIALS[r.nextInt(SPECIALS.length)];
                f[at] = (float) x[at];
                x[at] = f[at]; // keep the float and double rows the same values
            }
            String where = "trial " + trial + " (n = " + n + ")";
            boolean nonFinite = false;
            for (double e : x) {
                nonFinite |= Double.isNaN(e) || Double.isInfinite(e);
            }
            assertEquals(nonFinite, s.anyNonFinite(x), where + " scalar anyNonFinite");
            assertEquals(nonFinite, v.anyNonFinite(x), where + " vector anyNonFinite");
            assertEquals(nonFinite, s.anyNonFinite(f), where + " scalar anyNonFinite (float)");
            assertEquals(nonFinite, v.anyNonFinite(f), where + " vector anyNonFinite (float)");
            double m = s.max(x);
            assertEquals(Double.doubleToRawLongBits(m), Double.doubleToRawLongBits(v.max(x)), where + " max");
            assertEquals(Double.doubleToRawLongBits(s.max(f)), Double.doubleToRawLongBits(v.max(f)), where);
            double expected = s.sumExpShifted(x, m);
            double actual = v.sumExpShifted(x, m);
            assertSameBits(expected, actual, where + " sumExpShifted");
            assertEquals(Double.doubleToLongBits(actual), Double.doubleToLongBits(v.sumExpShifted(f, m)),
                    where + ": a float row gives the bits of its widened double row (any NaN counts as one)");
            int skip = r.nextInt(n + 2) - 1; // -1 (nothing left out), a class, or n (none: past the end)
            double without = s.sumExpShiftedWithout(x, m, skip);
            assertSameBits(without, v.sumExpShiftedWithout(x, m, skip), where + " without " + skip);
            assertEquals(Double.doubleToLongBits(without), Double.doubleToLongBits(v.sumExpShiftedWithout(f, m, skip)),
                    where + " without " + skip + ": a float row gives the bits of its widened double row");
            assertSameBits(without, s.sumExpShiftedWithout(f, m, skip), where + " without " + skip + " (scalar float)");
            if (skip < 0 || skip >= n) {
                assertSameBits(expected, without, where + ": leaving out no class is the full sum");
            } else if (Double.isFinite(expected) && Double.isFinite(x[skip])) {
                assertClose(expected - Exp.exp(x[skip] - m), without, expected, where + " without " + skip);
            }
            double shift = r.nextBoolean() ? 0.0 : m; // also an unshifted sum, as logSumExp does for infinite maxima
            assertSameBits(s.sumExpShifted(x, shift), v.sumExpShifted(x, shift), where + " shift " + shift);
            assertSameBits(s.sumExpShifted(f, shift), v.sumExpShifted(f, shift), where + " float, shift " + shift);
            double logSum = Math.log(expected);
            double[] a = new double[n];
            double[] b = new double[n];
            double[] fb = new double[n];
            s.shiftedLogProbabilities(x, m, logSum, a);
            v.shiftedLogProbabilities(x, m, logSum, b);
            v.shiftedLogProbabilities(f, m, logSum, fb);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), where + " lsm " + i);
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(fb[i]), where);
            }
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = r.nextInt(4) == 0 ? 0.0 : r.nextDouble() * 2 - 0.5;
            }
            double[] ax = abs(x);
            double[] aw = abs(w);
            assertSameBits(s.sum(x, n), v.sum(x, n), where + " sum");
            assertSameBits(s.dot(x, w, n), v.dot(x, w, n), where + " dot");
            assertSameBits(s.dot(x, w, w, n), v.dot(x, w, w, n), where + " dot3");
            assertClose(indexOrderSum(x), s.sum(x, n), s.sum(ax, n), where + " sum in index order");
            assertClose(indexOrderSum(x, w), s.dot(x, w, n), s.dot(ax, aw, n), where + " dot in index order");
        }
    }

    @Test
    void nonFiniteRowsFollowTorchOnBothKernels() {
        List<SumExp> kernels = new ArrayList<>(List.of(SumExp.scalar()));
        if (SumExp.vectorAvailable()) {
            kernels.add(SumExp.vector());
        }
        double inf = Double.POSITIVE_INFINITY;
        for (SumExp k : kernels) {
            for (int n : new int[] {1, 3, 8, 17, 40}) {
                double[] row = new double[n];
                for (int i = 0; i < n; i++) {
                    row[i] = i * 0.5 - 3;
                }
                double[] nan = row.clone();
                nan[n / 2] = Double.NaN;
                assertTrue(Double.isNaN(k.sumExpShifted(nan, k.max(nan))), k.name() + " NaN anywhere");
                if (n > 1) {
                    assertEquals(k.max(row), k.max(nan), k.name() + ": max skips NaN");
                }
                double[] plus = row.clone();
                plus[n - 1] = inf;
                assertEquals(inf, k.max(plus));
                assertTrue(Double.isNaN(k.sumExpShifted(plus, k.max(plus))), k.name() + " +inf gives NaN");
                double[] minus = new double[n];
                java.util.Arrays.fill(minus, -inf);
                assertEquals(-inf, k.max(minus));
                assertTrue(Double.isNaN(k.sumExpShifted(minus, k.max(minus))), k.name() + " all -inf gives NaN");
                double[] masked = row.clone();
                masked[0] = n > 1 ? -inf : masked[0]; // a one-value row all -inf would be NaN
                double m = k.max(masked);
                double expected = 0.0;
                for (int i = 0; i < n; i++) {
                    expected += Math.exp(masked[i] - m); // Math.exp(-inf) is 0
                }
                assertClose(expected, k.sumExpShifted(masked, m), k.name() + " -inf is a mask");
                assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(k.sum(new double[n], 0)));
            }
            assertEquals(-inf, k.max(new double[0]), k.name() + " empty max");
            assertEquals(-inf, k.max(new float[0]), k.name() + " empty max");
            assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(k.sumExpShifted(new float[0], 0)));
        }
    }

    /**
     * {@code VectorExp} takes a shortcut (no clamps, {@code 2^n} added to the exponent bits) when every lane lies in
     * the normal range: rows whose spread from the shift lies around that boundary (698 to 712, either side, at small
     * and huge shifts), and NaN with payload bits a careless exponent add would turn into a number, must give the
     * scalar kernel's bits on both sides of it.
     */
    @Test
    void rowsAroundTheNormalRangeBoundaryKeepTheScalarBits() {
        assumeTrue(SumExp.vectorAvailable(), "no vector kernel in this JVM");
        SumExp v = SumExp.vector();
        SumExp s = SumExp.scalar();
        Random r = new Random(19);
        double[] shifts = {0.0, -3.5, 1e6, 0x1p49, 0x1p50, 0x1p51, 1e15, -1e15};
        for (double shift : shifts) {
            for (double spread = 698.0; spread <= 712.0; spread += 0.25) {
                for (int side = -1; side <= 1; side += 2) {
                    double[] x = new double[16 + r.nextInt(3)];
                    float[] f = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = shift + r.nextGaussian();
                    }
                    x[r.nextInt(x.length)] = shift + side * spread;
                    for (int i = 0; i < x.length; i++) {
                        f[i] = (float) x[i];
                    }
                    String where = "shift " + shift + ", spread " + side * spread;
                    assertSameBits(s.sumExpShifted(x, shift), v.sumExpShifted(x, shift), where);
                    assertSameBits(s.sumExpShifted(f, shift), v.sumExpShifted(f, shift), where + " (float)");
                    int skip = r.nextInt(x.length);
                    assertSameBits(s.sumExpShiftedWithout(x, shift, skip), v.sumExpShiftedWithout(x, shift, skip),
                            where + " without " + skip);
                    assertSameBits(s.sumExpShiftedWithout(f, shift, skip), v.sumExpShiftedWithout(f, shift, skip),
                            where + " without " + skip + " (float)");
                }
            }
        }
        double[] x = new double[32];
        x[5] = Double.longBitsToDouble(0x7ff8000000000fffL); // a NaN whose low bits would shift into the exponent
        x[9] = Double.longBitsToDouble(0xfff0000000000001L);
        assertTrue(Double.isNaN(v.sumExpShifted(x, 0.0)), "a NaN payload must give NaN");
        assertTrue(Double.isNaN(v.sumExpShifted(x, v.max(x))), "a NaN payload must give NaN (row maximum)");
    }

    /** The same bits; any NaN counts as one (the sign and payload of a NaN are not kept). */
    private static void assertSameBits(double expected, double actual, String where) {
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual), where + ": " + expected
                + " vs " + actual);
    }

    private static double indexOrderSum(double[] x) {
        return indexOrderSum(x, null);
    }

    /** {@code sum_c x_c * w_c} (or of {@code x_c} when {@code w} is null), one value at a time in index order. */
    private static double indexOrderSum(double[] x, double[] w) {
        double s = 0.0;
        for (int c = 0; c < x.length; c++) {
            s += w == null ? x[c] : x[c] * w[c];
        }
        return s;
    }

    /** Within 1e-14 relative (a few ulps of a reordered sum of positive terms); NaN and infinities exactly. */
    private static void assertClose(double expected, double actual, String where) {
        assertClose(expected, actual, Math.abs(expected), where);
    }

    /** Within 1e-14 of {@code magnitude} (the sum of the terms' absolute values); NaN and infinities exactly. */
    private static void assertClose(double expected, double actual, double magnitude, String where) {
        if (Double.isNaN(expected) || Double.isInfinite(expected) || Double.isInfinite(magnitude)) {
            assertEquals(expected, actual, where);
            return;
        }
        double scale = Math.max(magnitude, Double.MIN_NORMAL);
        assertTrue(Math.abs(expected - actual) <= 1e-14 * scale, where + ": " + expected + " vs " + actual);
    }

    private static double[] abs(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }
}
