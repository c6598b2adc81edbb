package dev.xent.core;

import java.math.BigDecimal;
import java.math.MathContext;

/** The standard normal distribution's two-sided tail, for p-values. */
public final class NormalDistribution {
    private static final MathContext PRECISION = new MathContext(60);
    private static final BigDecimal TWO_OVER_SQRT_PI = new BigDecimal(
            "1.128379167095512573896158903121545171688101258657997713688171443421284936882986828973487");
    private static final double SQRT_PI = 1.7724538509055160273;

    private NormalDistribution() {
    }

    /** {@code P(|Z| ≥ |z|) = erfc(|z| / √2)}; NaN for NaN, 0 for an infinite z. */
    public static double twoSidedP(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return erfc(Math.abs(z) / Math.sqrt(2));
    }

    /**
     * The complementary error function for {@code x ≥ 0}, to about a unit in the last place: below 6 from erf's
     * Taylor series summed in 60-digit decimals, above by its continued fraction.
     */
    static double erfc(double x) {
        if (x < 0 || Double.isNaN(x)) {
            throw new IllegalArgumentException("erfc takes x >= 0, got " + x);
        }
        if (Double.isInfinite(x)) {
            return 0.0;
        }
        if (x < 6) {
            BigDecimal bx = new BigDecimal(x);
            BigDecimal minusX2 = bx.multiply(bx).negate();
            BigDecimal term = bx;
            BigDecimal sum = bx;
            BigDecimal limit = new BigDecimal("1e-50");
            for (int n = 1; term.abs().compareTo(limit) > 0; n++) {
                term = term.multiply(minusX2, PRECISION).divide(BigDecimal.valueOf(n), PRECISION);
                sum = sum.add(term.divide(BigDecimal.valueOf(2L * n + 1), PRECISION), PRECISION);
            }
            return BigDecimal.ONE.subtract(sum.multiply(TWO_OVER_SQRT_PI, PRECISION), PRECISION).doubleValue();
        }
        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the tail.
        double f = x;
        for (int k = 200; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / (SQRT_PI * f);
    }
}
