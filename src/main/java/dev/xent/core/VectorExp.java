package dev.xent.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Exp#exp} on every lane of a {@link DoubleVector}: the same steps with the same constants, each an exact IEEE
 * lane operation (compare and blend, add, {@code fma}, multiply, and shifts of the bits), so every lane has the bits
 * {@link Exp#exp} gives for it, whatever the vector width, the CPU and whether the JIT has compiled the caller.
 * When every lane lies in [{@link #NORMAL_LOW}, {@link #NORMAL_HIGH}] (results normal), the clamps are skipped and
 * {@code 2^n} is applied by adding {@code n} to the exponent bits: exact there, so the same bits as {@link Exp}'s two
 * multiplications, with fewer operations. Error bound and special values: see {@link Exp}.
 */
final class VectorExp {
    /** From here up, {@code exp} is normal ({@code exp(-708) > 2^-1022}). */
    static final double NORMAL_LOW = -708.0;
    /** Up to here, {@code exp} is finite ({@code exp(709) < Double.MAX_VALUE}). */
    static final double NORMAL_HIGH = 709.0;

    private VectorExp() {
    }

    static DoubleVector exp(DoubleVector x) {
        VectorMask<Double> normal = x.compare(VectorOperators.GE, NORMAL_LOW) // false for NaN
                .and(x.compare(VectorOperators.LE, NORMAL_HIGH));
        if (!normal.allTrue()) {
            return anywhere(x);
        }
        DoubleVector t = x.fma(Exp.INV_LN2, Exp.SHIFTER);
        LongVector n = ((LongVector) t.reinterpretAsLongs()).sub(Double.doubleToRawLongBits(Exp.SHIFTER));
        return ((LongVector) reduced(x, t).reinterpretAsLongs()).add(n.lanewise(VectorOperators.LSHL, 52))
                .reinterpretAsDoubles();
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

    /** {@code exp(r)} for {@code r = x - n ln 2}, {@code n = t - SHIFTER}: in [0.70, 1.42]. */
    private static DoubleVector reduced(DoubleVector x, DoubleVector t) {
        DoubleVector n = t.sub(Exp.SHIFTER);
        DoubleVector r = n.fma(x.broadcast(Exp.NEG_LN2_HI), x);
        r = n.fma(x.broadcast(Exp.NEG_LN2_LO), r);
        DoubleVector q = r.fma(Exp.Q9, Exp.Q8);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q7);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q6);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q5);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q4);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q3);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q2);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q1);
        q = q.lanewise(VectorOperators.FMA, r, Exp.Q0);
        return q.lanewise(VectorOperators.FMA, r, 1.0).lanewise(VectorOperators.FMA, r, 1.0);
    }
}
