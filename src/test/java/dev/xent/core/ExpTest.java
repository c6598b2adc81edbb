package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Exp#exp}: within 1 ulp of a high-precision reference (mpmath's values in {@code exp/exp_reference.tsv}, made
 * by {@code exp_reference.py}, and {@code BigDecimal} for millions of random arguments), with its special values, and
 * with the bits of {@code VectorExp}'s lanes. The largest error seen is printed.
 */
class ExpTest {
    private static final MathContext MC = new MathContext(45);
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /** ln 2 = 2 atanh(1/3) = 2 sum_k 3^-(2k+1) / (2k+1), to 60 digits. */
    private static final BigDecimal LN2 = ln2();
    /** 1/j! for j = 0..30: exp(r) for |r| < 0.36 to better than 1e-42 relative. */
    private static final BigDecimal[] INVERSE_FACTORIALS = inverseFactorials(30);
    /** How many random arguments {@link #withinOneUlpOfBigDecimalOnAMillionRandomArguments} draws (-Dxent.exp.arguments). */
    private static final int RANDOM_ARGUMENTS = Integer.getInteger("xent.exp.arguments", 1_000_000);

    private static BigDecimal ln2() {
        MathContext mc = new MathContext(60);
        BigDecimal third = BigDecimal.ONE.divide(BigDecimal.valueOf(3), mc);
        BigDecimal ninth = third.multiply(third, mc);
        BigDecimal power = third;
        BigDecimal sum = BigDecimal.ZERO;
        for (int k = 0; k < 70; k++) {
            sum = sum.add(power.divide(BigDecimal.valueOf(2 * k + 1), mc), mc);
            power = power.multiply(ninth, mc);
        }
        return sum.multiply(TWO, mc);
    }

    private static BigDecimal[] inverseFactorials(int n) {
        BigDecimal[] out = new BigDecimal[n + 1];
        out[0] = BigDecimal.ONE;
        for (int j = 1; j <= n; j++) {
            out[j] = out[j - 1].divide(BigDecimal.valueOf(j), MC);
        }
        return out;
    }

    /** A reference for {@code exp(x)} as {@code exp(r) * 2^k}: {@code k} and {@code exp(r)} to 40 digits. */
    private record Reference(int k, BigDecimal scaled) {
        static Reference of(double x) {
            int k = (int) Math.rint(x / Math.log(2));
            BigDecimal r = new BigDecimal(x).subtract(LN2.multiply(BigDecimal.valueOf(k)), MC);
            BigDecimal sum = INVERSE_FACTORIALS[INVERSE_FACTORIALS.length - 1];
            for (int j = INVERSE_FACTORIALS.length - 2; j >= 0; j--) {
                sum = sum.multiply(r, MC).add(INVERSE_FACTORIALS[j], MC);
            }
            return new Reference(k, sum);
        }

        /** A value of exp(x) (mpmath's), on this reference's scale. */
        BigDecimal rescale(BigDecimal value) {
            return value.multiply(TWO.pow(-k, MC), MC);
        }

        /** The error of {@code y} in ulps of the true value (subnormal ulps below 2^-1022; 0 when both overflow). */
        double ulps(double y, BigDecimal scaledTruth) {
            double truth = Math.scalb(scaledTruth.doubleValue(), k);
            if (Double.isInfinite(y)) {
                return Double.isInfinite(truth) ? 0.0 : Double.POSITIVE_INFINITY;
            }
            double ulp = Math.scalb(Math.ulp(Double.isInfinite(truth) ? Double.MAX_VALUE : truth), -k);
            return new BigDecimal(Math.scalb(y, -k)).subtract(scaledTruth).abs()
                    .divide(new BigDecimal(ulp), MathContext.DECIMAL64).doubleValue();
        }
    }

    private record Line(double x, BigDecimal exp) {
    }

    private static List<Line> mpmathValues() throws IOException {
        List<Line> lines = new ArrayList<>();
        try (InputStream in = ExpTest.class.getResourceAsStream("/exp/exp_reference.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.startsWith("#")) {
                    String[] f = line.split("\t");
                    lines.add(new Line(Double.parseDouble(f[0]), new BigDecimal(f[1])));
                }
            }
        }
        return lines;
    }

    @Test
    void withinOneUlpOfMpmathOnTheEdgesAndTheReferenceAgrees() throws IOException {
        List<Line> lines = mpmathValues();
        assertTrue(lines.size() > 30_000, "exp_reference.tsv holds " + lines.size() + " values");
        double worst = 0;
        double worstAt = Double.NaN;
        for (Line line : lines) {
            Reference ref = Reference.of(line.x());
            BigDecimal mpmath = ref.rescale(line.exp());
            BigDecimal gap = mpmath.subtract(ref.scaled()).abs();
            assertTrue(gap.compareTo(ref.scaled().movePointLeft(35)) <= 0,
                    "BigDecimal and mpmath disagree at " + Double.toHexString(line.x()) + ": " + ref.scaled() + " vs "
                            + mpmath);
            double e = ref.ulps(Exp.exp(line.x()), mpmath);
            if (e > worst) {
                worst = e;
                worstAt = line.x();
            }
        }
        System.out.printf("Exp.exp against mpmath, %d arguments: largest error %.4f ulp at %s%n", lines.size(), worst,
                Double.toHexString(worstAt));
        assertTrue(worst < 1.0, "largest error " + worst + " ulp at " + Double.toHexString(worstAt));
    }

    @Test
    void withinOneUlpOfBigDecimalOnAMillionRandomArguments() {
        SplittableRandom random = new SplittableRandom(19);
        double worst = 0;
        double worstAt = Double.NaN;
        for (int i = 0; i < RANDOM_ARGUMENTS; i++) {
            // Half over the whole range, half where log-sum-exp spends its time (-40 < x <= 0).
            double x = i % 2 == 0 ? random.nextDouble(-746.0, 710.0) : -random.nextDouble(40.0);
            Reference ref = Reference.of(x);
            double e = ref.ulps(Exp.exp(x), ref.scaled());
            if (e > worst) {
                worst = e;
                worstAt = x;
            }
        }
        System.out.printf("Exp.exp against BigDecimal, %d random arguments: largest error %.4f ulp at %s%n",
                RANDOM_ARGUMENTS, worst, Double.toHexString(worstAt));
        assertTrue(worst < 1.0, "largest error " + worst + " ulp at " + Double.toHexString(worstAt));
    }

    @Test
    void specialValues() {
        assertEquals(Double.doubleToRawLongBits(1.0), Double.doubleToRawLongBits(Exp.exp(0.0)));
        assertEquals(Double.doubleToRawLongBits(1.0), Double.doubleToRawLongBits(Exp.exp(-0.0)));
        assertTrue(Double.isNaN(Exp.exp(Double.NaN)));
        for (double zero : new double[] {Double.NEGATIVE_INFINITY, -1e300, -746.0, -745.14}) {
            assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Exp.exp(zero)), "exp(" + zero + ")");
        }
        for (double inf : new double[] {Double.POSITIVE_INFINITY, 1e300, 710.0, 709.79}) {
            assertEquals(Double.POSITIVE_INFINITY, Exp.exp(inf), "exp(" + inf + ")");
        }
        assertEquals(Double.MIN_VALUE, Exp.exp(-745.13), "the smallest subnormal");
        assertTrue(Exp.exp(-708.5) < Double.MIN_NORMAL && Exp.exp(-708.5) > 0, "a subnormal result");
        assertTrue(Exp.exp(709.78) < Double.POSITIVE_INFINITY && Exp.exp(709.78) > 1e308, "the largest results");
    }

    @Test
    void vectorLanesHaveTheBitsOfTheScalarExp() throws IOException {
        assumeTrue(SumExp.vectorAvailable(), "no vector kernel in this JVM");
        List<Double> args = new ArrayList<>();
        for (Line line : mpmathValues()) {
            args.add(line.x());
        }
        for (double special : new double[] {Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1e300,
            1e300, -Double.MAX_VALUE, Double.MAX_VALUE}) {
            args.add(special);
        }
        SplittableRandom random = new SplittableRandom(20);
        for (int i = 0; i < 200_000; i++) {
            args.add(random.nextDouble(-800.0, 800.0));
        }
        double[] x = new double[args.size() - args.size() % 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = args.get(i);
        }
        double[] lanes = VectorExpLanes.exp(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(Exp.exp(x[i])), Double.doubleToRawLongBits(lanes[i]),
                    "exp(" + Double.toHexString(x[i]) + ")");
        }
    }
}
