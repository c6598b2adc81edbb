package dev.xent.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Exp#exp} on every lane of a {@link DoubleVector}: the same steps with the same constants, each an exact IEEE
 * lane operation (compare and blend, add, {@code fma}, multiply, and shifts of the bits), so every lane has the bits
 * {@link Exp#exp} gives for it, whatever the vector width, the CPU and whether the JIT has compiled the caller.
 * Error bound and special values: see {@link Exp}.
 */
final class VectorExp {
    private VectorExp() {
    }

    static DoubleVector exp(DoubleVector x) {
        x = x.blend(Exp.LOW, x.compare(VectorOperators.LT, Exp.LOW)); // NaN compares false: it stays NaN
        x = x.blend(Exp.HIGH, x.compare(VectorOperators.GT, Exp.HIGH));
        DoubleVector t = x.fma(Exp.INV_LN2, Exp.SHIFTER);
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
        DoubleVector p = q.lanewise(VectorOperators.FMA, r, 1.0).lanewise(VectorOperators.FMA, r, 1.0);
        LongVector b = ((LongVector) t.reinterpretAsLongs()).sub(Exp.SCALE_BIAS); // n + 2046
        LongVector half = b.lanewise(VectorOperators.LSHR, 1);
        DoubleVector low = half.lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector high = b.sub(half).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(low).mul(high);
    }
}
