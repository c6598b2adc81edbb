package dev.xent.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Exp#exp} on every lane of a {@link DoubleVector}: the same steps with the same constants, each an exact IEEE
 * lane operation (compare and blend, add, {@code fma}, multiply, and shifts of the bits), so every lane has the bits
 * {@link Exp#exp} gives for it, whatever the vector width, the CPU and whether the JIT has compiled the caller.
 * When every lane lies in [-{@link #NORMAL_BOUND}, {@link #NORMAL_BOUND}] (results normal), the clamps are skipped and
 * {@code 2^n} is applied by adding {@code n} to the exponent bits: exact there, so the same bits as {@link Exp}'s two
 * multiplications, with fewer operations. Error bound and special values: see {@link Exp}.
 */
final class VectorExp {
    /** For {@code |x|} up to here, {@code exp(x)} is normal and finite ({@code exp(-708) > 2^-1022}). */
    static final double NORMAL_BOUND = 708.0;

    private VectorExp() {
    }

    static DoubleVector exp(DoubleVector x) {
        // |x| <= 708 on every lane (false for NaN): the results are normal, so 2^n goes into the exponent bits.
        if (!inNormalRange(x).allTrue()) {
            return anywhere(x);
        }
        DoubleVector t = x.fma(Exp.INV_LN2, Exp.SHIFTER);
        // bits(t) = bits(SHIFTER) + n, and bits(SHIFTER) << 52 = 0: so bits(t) << 52 = n << 52.
        LongVector scale = ((LongVector) t.reinterpretAsLongs()).lanewise(VectorOperators.LSHL, 52);
        return ((LongVector) reduced(x, t).reinterpretAsLongs()).add(scale).reinterpretAsDoubles();
    }

    /** The lanes where {@code |x| <= NORMAL_BOUND} (false for NaN). */
    static VectorMask<Double> inNormalRange(DoubleVector x) {
        return x.lanewise(VectorOperators.ABS).compare(VectorOperators.LE, NORMAL_BOUND);
    }

    /** Every lane, any value: clamped, scaled by two multiplications as {@link Exp#exp} does. */
    private static DoubleVector anywhere(DoubleVector x) {
        x = x.blend(Exp.LOW, x.compare(VectorOperators.LT, Exp.LOW)); // NaN compares false: it stays NaN
        x = x.blend(Exp.HIGH, x.compare(VectorOperators.GT, Exp.HIGH));
        DoubleVector t = x.fma(Exp.INV_LN2, Exp.SHIFTER);
        DoubleVector p = reduced(x, t);
        LongVector b = ((LongVector) t.reinterpretAsLongs()).sub(Exp.SCALE_BIAS); // n + 2046
        LongVector half = b.lanewise(VectorOperators.LSHR, 1);
        DoubleVector low = half.lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector high = b.sub(half).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(low).mul(high);
    }

    /**
     * {@code exp(r)} for {@code r = x - n ln 2}, {@code n = t - SHIFTER}: in [0.70, 1.42]; {@link Exp#reduced}'s
     * operations in its order.
     */
    private static DoubleVector reduced(DoubleVector x, DoubleVector t) {
        DoubleVector n = t.sub(Exp.SHIFTER);
        DoubleVector r = n.fma(x.broadcast(Exp.NEG_LN2_HI), x);
        r = n.fma(x.broadcast(Exp.NEG_LN2_LO), r);
        DoubleVector r2 = r.mul(r);
        DoubleVector r4 = r2.mul(r2);
        DoubleVector c12 = r.fma(Exp.Q2, Exp.Q1);
        DoubleVector c34 = r.fma(Exp.Q4, Exp.Q3);
        DoubleVector c56 = r.fma(Exp.Q6, Exp.Q5);
        DoubleVector c78 = r.fma(Exp.Q8, Exp.Q7);
        DoubleVector c14 = c34.fma(r2, c12);
        DoubleVector c58 = c78.fma(r2, c56);
        DoubleVector c59 = r4.fma(x.broadcast(Exp.Q9), c58);
        DoubleVector c = c59.fma(r4, c14);
        DoubleVector q = c.fma(r, x.broadcast(Exp.Q0));
        return q.fma(r, x.broadcast(1.0)).fma(r, x.broadcast(1.0));
    }
}
