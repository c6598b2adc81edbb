package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.core.golden.GoldenCase;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Losses near 0 keep their relative accuracy: a row whose target holds the maximum and whose other classes' sum of
 * exponentials {@code r} is tiny (1e-8, 1e-20, 1e-300, subnormal terms) has the loss {@code log1p(r)}, which a
 * kernel that rounds {@code 1 + r} loses entirely. Checked against a {@code BigDecimal} reference computed here (40
 * digits: {@code loss = log1p(sum_{c != y} exp(x_c - x_y))} from the exact differences of the row's values), on both
 * kernels, float and double rows, C = 1, 2, 17, 123 and 1,000, the target in the vector loop's steps and in its
 * tail, float rows that leave the vector loop's normal-range path, with label smoothing (the target's log-probability
 * inside the full log-softmax), probability targets (a one-hot target on the maximum) and the golden case
 * {@code random-1171}, whose sum the CLI once gave as 0.0 (exact 4.53e-15).
 */
class TinyLossTest {
    /** Relative tolerance for a normal loss: ten times tighter than the golden rule (1e-12). */
    private static final double RELATIVE = 1e-13;
    private static final MathContext MC = new MathContext(40);
    private static final BigDecimal LN2 = atanhTimesTwo(BigDecimal.ONE.divide(BigDecimal.valueOf(3), MC));

    /** The kernels to check: scalar always, vector where this JVM has it. */
    private static List<SumExp> kernels() {
        List<SumExp> out = new ArrayList<>(List.of(SumExp.scalar()));
        if (SumExp.vectorAvailable()) {
            out.add(SumExp.vector());
        }
        return out;
    }

    /** A row of C values: the target {@code y} at 0, the others {@code -gap} less a little noise (floats: exact in both). */
    private static float[] row(int classes, int y, double gap, Random random) {
        float[] x = new float[classes];
        for (int c = 0; c < classes; c++) {
            x[c] = c == y ? 0f : (float) (-gap - random.nextDouble());
        }
        return x;
    }

    @Test
    void tinyLossesAreExactToAFewUlpsOnBothKernels() {
        Random random = new Random(20);
        // gap: r of about 1e-8, 1e-20, 1e-300, and terms below 2^-1022 (subnormal); 0.5: a loss that is not tiny
        double[] gaps = {18.5, 46.0, 690.0, 740.0, 0.5};
        int checked = 0;
        for (SumExp kernel : kernels()) {
            for (int classes : new int[] {1, 2, 17, 1000}) {
                for (int y : new int[] {0, classes / 2, classes - 1}) {
                    for (double gap : gaps) {
                        float[] f = row(classes, y, gap + Math.log(Math.max(classes - 1, 1)), random);
                        double[] d = widen(f);
                        BigDecimal reference = loss(d, y);
                        String where = kernel.name() + " C = " + classes + ", y = " + y + ", gap " + gap;
                        CrossEntropy plain = new CrossEntropy(CrossEntropyOptions.defaults(), classes, kernel);
                        assertClose(reference, plain.loss(d, y), classes, where + " (double row)");
                        assertClose(reference, plain.loss(f, y), classes, where + " (float row)");
                        assertClose(reference, -kernel.logSoftmaxAt(d, y), classes, where + " logSoftmaxAt");
                        double[] oneHot = new double[classes];
                        oneHot[y] = 1.0;
                        assertClose(reference, plain.loss(d, oneHot), classes, where + " (probability target)");
                        double[] lsm = new double[classes];
                        kernel.logSoftmax(f, -1, lsm);
                        assertClose(reference, -lsm[y], classes, where + " (log-softmax, no class preferred)");
                        checkSmoothing(kernel, d, y, reference, where);
                        checked++;
                    }
                }
            }
        }
        assertEquals(kernels().size() * 4 * 3 * gaps.length, checked);
    }

    /**
     * With label smoothing {@code eps} and a weight of 1 on the target and 0 elsewhere, the loss is
     * {@code ((1 - eps) + eps / C) * -lsm_y}: the target's log-probability as the full log-softmax computes it.
     */
    private static void checkSmoothing(SumExp kernel, double[] d, int y, BigDecimal reference, String where) {
        int classes = d.length;
        double[] weight = new double[classes];
        weight[y] = 1.0;
        double eps = 0.25;
        CrossEntropyOptions options = CrossEntropyOptions.builder().labelSmoothing(eps).weight(weight).build();
        BigDecimal factor = BigDecimal.ONE.subtract(new BigDecimal(eps))
                .add(new BigDecimal(eps).divide(BigDecimal.valueOf(classes), MC));
        assertClose(reference.multiply(factor, MC), new CrossEntropy(options, classes, kernel).loss(d, y), classes,
                where + " (label smoothing)");
    }

    /** Rows whose target is not the maximum, or ties it, keep their accuracy too (the other branch of the rule). */
    @Test
    void aTargetBelowTheMaximumOrTiedWithItStaysAccurate() {
        Random random = new Random(21);
        for (SumExp kernel : kernels()) {
            for (int classes : new int[] {2, 17, 1000}) {
                for (int trial = 0; trial < 4; trial++) {
                    double[] d = widen(row(classes, 0, 30.0, random));
                    int y = 1 + random.nextInt(classes - 1);
                    if (trial == 3) {
                        d[y] = 0.0; // ties the maximum at class 0
                    }
                    String where = kernel.name() + " C = " + classes + ", y = " + y + ", trial " + trial;
                    CrossEntropy plain = new CrossEntropy(CrossEntropyOptions.defaults(), classes, kernel);
                    assertClose(loss(d, y), plain.loss(d, y), classes, where);
                    double[] oneHot = new double[classes];
                    oneHot[y] = 1.0;
                    assertClose(loss(d, y), plain.loss(d, oneHot), classes, where + " (probability target)");
                }
            }
        }
    }

    /**
     * The golden case that exposed the error: {@code random-1171} (C = 123, ignore index 25), every row's loss about
     * 2e-16 and the sum 4.5e-15, where {@code log(1 + r)} gave 0 or 2.2e-16.
     */
    @Test
    void goldenCaseRandom1171IsExact() {
        GoldenCase c = GoldenCase.load("random.jsonl").stream().filter(g -> g.name.equals("random-1171")).findFirst()
                .orElseThrow();
        for (SumExp kernel : kernels()) {
            CrossEntropy plain = new CrossEntropy(c.options(Reduction.SUM), c.classes, kernel);
            LossState state = LossState.of(c.options(Reduction.SUM), LossState.Targets.CLASS_INDEX);
            BigDecimal sum = BigDecimal.ZERO;
            int scored = 0;
            for (int i = 0; i < c.logits.length; i++) {
                plain.add(state, c.logits[i], c.targets[i]);
                if (plain.isIgnored(c.targets[i])) {
                    continue;
                }
                BigDecimal reference = loss(c.logits[i], (int) c.targets[i]);
                assertClose(reference, GoldenCase.numbers(c.exact("none"))[i], 1, "this reference beside mpmath's, row " + i);
                assertClose(reference, plain.loss(c.logits[i], c.targets[i]), c.classes, kernel.name() + " row " + i);
                sum = sum.add(reference, MC);
                scored++;
            }
            assertTrue(scored > 20, "random-1171 scores most of its 25 rows: " + scored);
            assertClose(sum, state.reduce(Reduction.SUM), c.classes, kernel.name() + " random-1171 sum");
        }
    }

    /**
     * Zeros keep PyTorch's sign where the log-probability is exactly 0: a one-class row and a row whose other classes
     * are all {@code -inf} give {@code -0.0} ({@code -(1 * 0.0)}), as torch does; an ignored row gives {@code +0.0}.
     */
    @Test
    void exactZerosKeepTorchsSign() {
        double inf = Double.POSITIVE_INFINITY;
        for (SumExp kernel : kernels()) {
            CrossEntropy one = new CrossEntropy(CrossEntropyOptions.defaults(), 1, kernel);
            assertEquals(bits(-0.0), bits(one.loss(new double[] {3.5}, 0)), kernel.name() + " C = 1");
            assertEquals(bits(-0.0), bits(one.loss(new float[] {-2f}, 0)), kernel.name() + " C = 1, float");
            for (int classes : new int[] {2, 17, 40}) {
                double[] masked = new double[classes];
                java.util.Arrays.fill(masked, -inf);
                masked[classes - 1] = 1.25;
                CrossEntropy k = new CrossEntropy(CrossEntropyOptions.defaults(), classes, kernel);
                assertEquals(bits(-0.0), bits(k.loss(masked, classes - 1)), kernel.name() + " masked C = " + classes);
                assertEquals(bits(-0.0), bits(k.loss(toFloat(masked), classes - 1)), kernel.name() + " masked float");
                CrossEntropy ignoring = new CrossEntropy(CrossEntropyOptions.builder().ignoreIndex(0).build(), classes,
                        kernel);
                assertEquals(bits(0.0), bits(ignoring.loss(masked, 0)), kernel.name() + " ignored");
            }
        }
    }

    /**
     * NaN and infinities stay PyTorch's with the target's term left out of the sum: a NaN or {@code +inf} anywhere
     * (the target included) gives NaN, all {@code -inf} gives NaN, {@code -inf} at the target gives {@code +inf}.
     */
    @Test
    void nonFiniteValuesStayTorchsWhereverTheyAre() {
        double inf = Double.POSITIVE_INFINITY;
        for (SumExp kernel : kernels()) {
            for (int classes : new int[] {1, 2, 9, 17, 40}) {
                CrossEntropy k = new CrossEntropy(CrossEntropyOptions.defaults(), classes, kernel);
                CrossEntropy smoothed = new CrossEntropy(CrossEntropyOptions.builder().labelSmoothing(0.1).build(),
                        classes, kernel);
                for (int at = 0; at < classes; at++) {
                    for (int y : new int[] {at, classes - 1 - at}) {
                        String where = kernel.name() + " C = " + classes + ", at " + at + ", y = " + y;
                        for (double special : new double[] {Double.NaN, inf}) {
                            double[] x = ramp(classes);
                            x[at] = special;
                            assertTrue(Double.isNaN(k.loss(x, y)), where + " " + special);
                            assertTrue(Double.isNaN(k.loss(toFloat(x), y)), where + " " + special + " float");
                            assertTrue(Double.isNaN(smoothed.loss(x, y)), where + " " + special + " smoothed");
                        }
                        double[] minus = new double[classes];
                        java.util.Arrays.fill(minus, -inf);
                        assertTrue(Double.isNaN(k.loss(minus, y)), where + " all -inf");
                        if (classes > 1) {
                            double[] x = ramp(classes);
                            x[y] = -inf;
                            assertEquals(inf, k.loss(x, y), where + " -inf at the target");
                            assertEquals(inf, k.loss(toFloat(x), y), where + " -inf at the target, float");
                        }
                    }
                }
            }
            assertEquals(bits(0.0), bits(kernel.sumExpShiftedWithout(new double[0], 0.0, 0)), "empty row");
            assertEquals(bits(0.0), bits(kernel.sumExpShiftedWithout(new double[] {Double.NaN}, 0.0, 0)),
                    "the one value left out, NaN or not");
        }
    }

    private static double[] ramp(int classes) {
        double[] x = new double[classes];
        for (int c = 0; c < classes; c++) {
            x[c] = 0.75 * c - 4;
        }
        return x;
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Within {@link #RELATIVE} of the reference; a subnormal loss (below 2^-1022) within {@code C} steps of the
     * subnormal grid (each of its terms rounds there once).
     */
    private static void assertClose(BigDecimal reference, double actual, int classes, String where) {
        double expected = reference.doubleValue();
        double allowed = Math.max(RELATIVE * Math.abs(expected), classes * Double.MIN_VALUE);
        BigDecimal difference = new BigDecimal(actual).subtract(reference).abs();
        assertTrue(difference.compareTo(new BigDecimal(allowed)) <= 0, where + ": xent gives " + actual
                + ", the reference is " + reference.round(new MathContext(17)) + " (off by "
                + difference.round(new MathContext(3)) + ", allowed " + allowed + ")");
    }

    /** {@code -log_softmax(x)_y = log1p(sum_{c != y} exp(x_c - x_y))}, to 40 digits ({@code -inf} values add 0). */
    static BigDecimal loss(double[] x, int y) {
        BigDecimal xy = new BigDecimal(x[y]);
        BigDecimal r = BigDecimal.ZERO;
        for (int c = 0; c < x.length; c++) {
            if (c != y && x[c] != Double.NEGATIVE_INFINITY) {
                r = r.add(exp(new BigDecimal(x[c]).subtract(xy)), MC);
            }
        }
        return log1p(r);
    }

    /** {@code e^t}: {@code t = k ln 2 + s} with {@code |s| <= ln(2) / 2}, Taylor's series for {@code e^s}, times 2^k. */
    static BigDecimal exp(BigDecimal t) {
        int k = (int) Math.round(t.doubleValue() / LN2.doubleValue());
        BigDecimal s = t.subtract(LN2.multiply(BigDecimal.valueOf(k), MC), MC);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int j = 1; j < 60; j++) {
            term = term.multiply(s, MC).divide(BigDecimal.valueOf(j), MC);
            sum = sum.add(term, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2).pow(k, MC), MC);
    }

    /** {@code log(1 + r)} for {@code r >= 0}: {@code 1 + r = 2^e f} with f in [1, 2), {@code e ln 2 + 2 atanh((f - 1) / (f + 1))}. */
    static BigDecimal log1p(BigDecimal r) {
        if (r.compareTo(BigDecimal.ONE) <= 0) {
            return atanhTimesTwo(r.divide(r.add(BigDecimal.valueOf(2)), MC));
        }
        BigDecimal s = BigDecimal.ONE.add(r, MC);
        int e = Math.getExponent(s.doubleValue());
        BigDecimal f = s.divide(BigDecimal.valueOf(2).pow(e, MC), MC);
        BigDecimal z = f.subtract(BigDecimal.ONE).divide(f.add(BigDecimal.ONE), MC);
        return LN2.multiply(BigDecimal.valueOf(e), MC).add(atanhTimesTwo(z), MC);
    }

    /** {@code 2 atanh(z) = 2 (z + z^3/3 + z^5/5 + ...)} for {@code 0 <= z <= 1/3}, to {@link #MC}'s digits. */
    private static BigDecimal atanhTimesTwo(BigDecimal z) {
        BigDecimal z2 = z.multiply(z, MC);
        BigDecimal power = z;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < 200 && power.signum() != 0; k++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(sum.abs().movePointLeft(45)) < 0) {
                break;
            }
            power = power.multiply(z2, MC);
        }
        return sum.multiply(BigDecimal.valueOf(2), MC);
    }
}
