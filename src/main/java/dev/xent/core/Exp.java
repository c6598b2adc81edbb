package dev.xent.core;

/**
 * xent's own {@code exp}, for the log-sum-exp kernels: built only from exact IEEE operations (compare, add, multiply,
 * fused multiply-add and bit operations on the double's bits), so it gives the same bits in the interpreter, in C1
 * and C2 code, on every x86-64 CPU and, lane for lane, in {@code VectorExp} (which repeats these steps on vector
 * lanes). The JDK's {@link Math#exp} and the Vector API's {@code EXP} lanes promise only to be within 1 ulp and may
 * change with the JIT's state; this one cannot.
 *
 * <p>Method: clamp {@code x} to [{@link #LOW}, {@link #HIGH}]; {@code n = round(x / ln 2)} (with the 1.5·2^52 shifter);
 * {@code r = x - n·ln 2} (ln 2 split in two doubles: the first step is exact, the second rounds once, so
 * {@code |r| <= ln(2)/2} with an error below 2^-55); {@code exp(r) = 1 + r + r²·q(r)} with {@code q} a degree-9
 * polynomial (Chebyshev fit, relative error below 2^-55.8 of {@code exp(r)}; coefficients from
 * {@code src/test/resources/exp/exp_reference.py}) evaluated as {@code Q0 + r·c(r)} with {@code c} by Estrin's scheme
 * (see {@link #reduced}); then {@code 2^n · exp(r)} as two exact-or-once-rounded multiplications by powers of two, so
 * subnormal results are rounded once.
 *
 * <p>Error: below 1 ulp (the rounding of {@code r}, of {@code q}, of the last two {@code fma} and the fit add up to
 * about 0.96 ulp at worst: Estrin's roundings inside {@code c} reach the result only through {@code r³·c}, below
 * 0.02 ulp); the largest error measured is 0.9316 ulp, on 1,036,884 arguments in [-746, 710] (edges included)
 * against a high-precision reference ({@code ExpTest}: 36,884 mpmath values from {@code exp_reference.py}, 0.9315 ulp
 * the largest, and 1,000,000 random arguments against {@code BigDecimal}, 0.9316 ulp).
 *
 * <p>Special values: NaN gives NaN; {@code -inf} and every {@code x < -745.14} give {@code +0.0}; {@code +inf} and every
 * {@code x > 709.79} give {@code +inf}; {@code exp(±0) = 1} exactly; results between 2^-1074 and 2^-1022 are subnormal,
 * correctly scaled.
 */
public final class Exp {
    /** Below this, {@code exp} is 0 (it rounds to 0 below about -745.13); arguments are clamped to it. */
    static final double LOW = -746.0;
    /** Above this, {@code exp} is {@code +inf} (it overflows above about 709.78); arguments are clamped to it. */
    static final double HIGH = 710.0;
    /** 1/ln 2. */
    static final double INV_LN2 = 0x1.71547652b82fep0;
    /** 1.5·2^52: {@code x + SHIFTER} rounds {@code x} to an integer held in the low bits. */
    static final double SHIFTER = 0x1.8p52;
    /** -ln 2 rounded to double. */
    static final double NEG_LN2_HI = -0x1.62e42fefa39efp-1;
    /** -(ln 2 - LN2_HI) rounded to double. */
    static final double NEG_LN2_LO = -0x1.abc9e3b39803fp-56;
    /** The bits of {@link #SHIFTER} less 2·1023: {@code bits(x + SHIFTER) - SCALE_BIAS = n + 2046}. */
    static final long SCALE_BIAS = Double.doubleToRawLongBits(SHIFTER) - 2046;
    /** {@code q(r)} in {@code exp(r) = 1 + r + r²·q(r)}, from the highest degree (r^9) down to r^0. */
    static final double Q9 = 0x1.af38a9b0ec855p-26;
    static final double Q8 = 0x1.289185613a3d6p-22;
    static final double Q7 = 0x1.71de0dae63bb3p-19;
    static final double Q6 = 0x1.a019b90d2ae7ap-16;
    static final double Q5 = 0x1.a01a01a7c41d5p-13;
    static final double Q4 = 0x1.6c16c1788bd90p-10;
    static final double Q3 = 0x1.11111111109b3p-7;
    static final double Q2 = 0x1.5555555553d63p-5;
    static final double Q1 = 0x1.5555555555556p-3;
    static final double Q0 = 0x1.0000000000001p-1;

    private Exp() {
    }

    /** {@code e^x} within 1 ulp, with the same bits on every JVM state and CPU (see the class notes). */
    public static double exp(double x) {
        if (x < LOW) { // NaN is neither below nor above: it stays NaN
            x = LOW;
        }
        if (x > HIGH) {
            x = HIGH;
        }
        double t = Math.fma(x, INV_LN2, SHIFTER);
        double n = t - SHIFTER;
        double r = Math.fma(n, NEG_LN2_HI, x);
        r = Math.fma(n, NEG_LN2_LO, r);
        double p = reduced(r);
        long b = Double.doubleToRawLongBits(t) - SCALE_BIAS; // n + 2046, in [970, 3070]
        long half = b >>> 1; // floor(n / 2) + 1023
        return p * Double.longBitsToDouble(half << 52) * Double.longBitsToDouble((b - half) << 52);
    }

    /**
     * {@code exp(r) = 1 + r·(1 + r·q(r))} with {@code q(r) = Q0 + r·c(r)}, {@code c} by Estrin's scheme (pairs, then
     * {@code r²}, then {@code r⁴}): seven dependent steps instead of Horner's eleven, so the CPU overlaps more of
     * them; {@code Q0} is added last, as in Horner's rule, so {@code q}'s rounding error stays about Horner's.
     * {@code VectorExp} repeats these operations in this order.
     */
    static double reduced(double r) {
        double r2 = r * r;
        double r4 = r2 * r2;
        double c12 = Math.fma(Q2, r, Q1);
        double c34 = Math.fma(Q4, r, Q3);
        double c56 = Math.fma(Q6, r, Q5);
        double c78 = Math.fma(Q8, r, Q7);
        double c14 = Math.fma(c34, r2, c12);
        double c58 = Math.fma(c78, r2, c56);
        double c59 = Math.fma(Q9, r4, c58);
        double c = Math.fma(c59, r4, c14);
        double q = Math.fma(c, r, Q0);
        return Math.fma(Math.fma(q, r, 1.0), r, 1.0);
    }
}
