package dev.xent.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SumExp} with the Java Vector API, in {@link SumExp}'s eight-lane order: two 256-bit vectors of four doubles
 * hold the eight lanes (lanes 0-3 and 4-7), exponentials are {@link VectorExp}'s, the last {@code C mod 8} values go
 * into their lanes one at a time (with {@link Exp#exp}), and the lanes are combined by {@link SumExp#addLanes} and
 * {@link SumExp#maxLanes}. The sum without one value replaces that value's exponential by {@code +0.0} in the one
 * step that holds it, so it has the scalar kernel's bits too. Every step is an exact IEEE lane operation, so the results are the bits of
 * {@link ScalarSumExp}'s, on AVX2 and AVX-512 alike, interpreted or compiled. Float rows are read as four floats and
 * widened to four double lanes.
 *
 * <p>Loaded only through {@link SumExp#best()} / {@link SumExp#vector()}, which catch the {@link LinkageError} of a
 * JVM without {@code --add-modules jdk.incubator.vector}. NaN, infinities and empty rows: see {@link SumExp}.
 */
final class VectorSumExp extends SumExp {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
    /** Four floats, widened lane for lane to {@link #D}. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_128;
    /** Eight floats: all eight lanes in one vector (for the maximum, which needs no widening). */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** Floats at the full preferred width, for {@link #anyNonFinite(float[])} (order does not matter there). */
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED;

    /** The bit size of the widest double vector this JVM's JIT compiles (256 or more: this kernel pays off). */
    static int hardwareBits() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    }

    @Override
    public String name() {
        return "vector(8-lane)";
    }

    /** {@code v - v} is 0 for a finite value and NaN for NaN or ±infinity; the lane sums stay NaN once they are. */
    @Override
    public boolean anyNonFinite(float[] x) {
        int n = x.length;
        int i = 0;
        float s = 0f;
        if (n >= WIDE.length()) {
            FloatVector acc = FloatVector.zero(WIDE);
            for (int bound = WIDE.loopBound(n); i < bound; i += WIDE.length()) {
                FloatVector v = FloatVector.fromArray(WIDE, x, i);
                acc = acc.add(v.sub(v));
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += x[i] - x[i];
        }
        return Float.isNaN(s);
    }

    @Override
    public boolean anyNonFinite(double[] x) {
        int n = x.length;
        int i = 0;
        DoubleVector acc = DoubleVector.zero(D);
        for (; i <= n - LANES; i += LANES) {
            DoubleVector v = DoubleVector.fromArray(D, x, i);
            DoubleVector w = DoubleVector.fromArray(D, x, i + 4);
            acc = acc.add(v.sub(v)).add(w.sub(w));
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i] - x[i];
        }
        return Double.isNaN(s);
    }

    /**
     * Four independent chains (a compare and a blend each take the previous maximum, so one chain waits on its
     * latency): the row's full groups of eight split into four contiguous blocks, the last taking the groups left
     * over, each with its own maxima, combined in block order by {@link #later}. That is the single chain's result
     * bit for bit: each lane keeps the first of its greatest values (NaN skipped), and a later block's value wins
     * only when greater.
     */
    @Override
    public double max(double[] x) {
        int n = x.length;
        int groups = n / LANES;
        int q = groups / 4 * LANES;
        DoubleVector none = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        DoubleVector a0 = none, a1 = none, b0 = none, b1 = none, c0 = none, c1 = none, d0 = none, d1 = none;
        for (int i = 0; i < q; i += LANES) {
            a0 = later(a0, DoubleVector.fromArray(D, x, i));
            a1 = later(a1, DoubleVector.fromArray(D, x, i + 4));
            b0 = later(b0, DoubleVector.fromArray(D, x, q + i));
            b1 = later(b1, DoubleVector.fromArray(D, x, q + i + 4));
            c0 = later(c0, DoubleVector.fromArray(D, x, 2 * q + i));
            c1 = later(c1, DoubleVector.fromArray(D, x, 2 * q + i + 4));
            d0 = later(d0, DoubleVector.fromArray(D, x, 3 * q + i));
            d1 = later(d1, DoubleVector.fromArray(D, x, 3 * q + i + 4));
        }
        int i = 4 * q;
        for (int end = groups * LANES; i < end; i += LANES) {
            d0 = later(d0, DoubleVector.fromArray(D, x, i));
            d1 = later(d1, DoubleVector.fromArray(D, x, i + 4));
        }
        double[] lanes = new double[LANES];
        later(later(later(a0, b0), c0), d0).intoArray(lanes, 0);
        later(later(later(a1, b1), c1), d1).intoArray(lanes, 4);
        for (int j = 0; i < n; i++, j++) {
            if (x[i] > lanes[j]) {
                lanes[j] = x[i];
            }
        }
        return maxLanes(lanes);
    }

    /** Per lane, {@code v} where it is greater than {@code m}, else {@code m} (NaN compares false: never taken). */
    private static DoubleVector later(DoubleVector m, DoubleVector v) {
        return m.blend(v, v.compare(VectorOperators.GT, m));
    }

    private static FloatVector later(FloatVector m, FloatVector v) {
        return m.blend(v, v.compare(VectorOperators.GT, m));
    }

    /** As {@link #max(double[])}: eight floats (all eight lanes) per vector, four blocks. */
    @Override
    public double max(float[] x) {
        int n = x.length;
        int groups = n / LANES;
        int q = groups / 4 * LANES;
        FloatVector a = FloatVector.broadcast(F8, Float.NEGATIVE_INFINITY);
        FloatVector b = a, c = a, d = a;
        for (int i = 0; i < q; i += LANES) {
            a = later(a, FloatVector.fromArray(F8, x, i));
            b = later(b, FloatVector.fromArray(F8, x, q + i));
            c = later(c, FloatVector.fromArray(F8, x, 2 * q + i));
            d = later(d, FloatVector.fromArray(F8, x, 3 * q + i));
        }
        int i = 4 * q;
        for (int end = groups * LANES; i < end; i += LANES) {
            d = later(d, FloatVector.fromArray(F8, x, i));
        }
        float[] floats = later(later(later(a, b), c), d).toArray();
        double[] lanes = new double[LANES];
        for (int j = 0; j < LANES; j++) {
            lanes[j] = floats[j];
        }
        for (int j = 0; i < n; i++, j++) {
            if (x[i] > lanes[j]) {
                lanes[j] = x[i];
            }
        }
        return maxLanes(lanes);
    }

    /**
     * The step of four values that holds {@code skip} replaces its exponential by {@code +0.0} in {@code skip}'s lane
     * (a lane sum of non-negative terms from {@code +0.0}, or NaN, is unchanged by adding {@code +0.0}: the scalar
     * kernel's "add nothing"); one compare per step, taken once per row at most.
     */
    @Override
    public double sumExpShiftedWithout(double[] x, double shift, int skip) {
        int n = x.length;
        int i = 0;
        DoubleVector k = DoubleVector.broadcast(D, shift);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        int hit = skip & -4; // the step holding skip (-4 for skip = -1: never)
        VectorMask<Double> gap = VectorMask.fromLong(D, 1L << (skip & 3));
        // One exp call site, so the JIT inlines all of it (two exceeded its node budget, and vectors passed to a
        // method not inlined are boxed: 24 bytes allocated per value): each step adds four values to a0 and swaps
        // the two accumulators, so after an even number of steps a0 holds lanes 0-3 and a1 lanes 4-7.
        for (int bound = n & -LANES; i < bound; i += 4) {
            DoubleVector e = VectorExp.exp(DoubleVector.fromArray(D, x, i).sub(k));
            if (i == hit) {
                e = e.blend(0.0, gap);
            }
            DoubleVector sum = a0.add(e);
            a0 = a1;
            a1 = sum;
        }
        double[] lanes = new double[LANES];
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        for (int j = 0; i < n; i++, j++) {
            if (i != skip) {
                lanes[j] += Exp.exp(x[i] - shift);
            }
        }
        return addLanes(lanes);
    }

    /**
     * Eight lanes (two vectors of four widened floats) per step, their exponentials computed side by side with
     * {@link VectorExp#exp}'s steps for lanes in the normal range, written out here: a call per vector leaves the
     * JIT's inlining (vectors passed to a method not inlined are boxed, 24 bytes allocated per value), and side by
     * side the CPU overlaps the two dependency chains (measured by {@code KernelCpuBench}: the whole kernel about
     * 12 % faster at C = 1,000 than with {@link #sumAnyRange}'s loop). A step with a lane outside the normal range
     * (or NaN) sends the row to {@link #sumAnyRange}, which adds the same values in the same lanes: the bits do not
     * depend on which loop ran.
     */
    @Override
    public double sumExpShiftedWithout(float[] x, double shift, int skip) {
        int n = x.length;
        int i = 0;
        int hit = skip & -LANES; // the step holding skip, whose lane adds +0.0 (as the double rows' loop)
        long bit = 1L << (skip & (LANES - 1));
        VectorMask<Double> gap0 = VectorMask.fromLong(D, bit & 15);
        VectorMask<Double> gap1 = VectorMask.fromLong(D, bit >>> 4);
        DoubleVector k = DoubleVector.broadcast(D, shift);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        DoubleVector ln2Hi = DoubleVector.broadcast(D, Exp.NEG_LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(D, Exp.NEG_LN2_LO);
        DoubleVector q9 = DoubleVector.broadcast(D, Exp.Q9);
        DoubleVector q0 = DoubleVector.broadcast(D, Exp.Q0);
        for (int bound = n & -LANES; i < bound; i += LANES) {
            DoubleVector x0 = widen(x, i).sub(k);
            DoubleVector x1 = widen(x, i + 4).sub(k);
            if (!VectorExp.inNormalRange(x0).and(VectorExp.inNormalRange(x1)).allTrue()) {
                return sumAnyRange(x, shift, skip);
            }
            // VectorExp.exp's steps (Exp's, in Exp.reduced's order) on x0 and x1, side by side.
            DoubleVector t0 = x0.fma(Exp.INV_LN2, Exp.SHIFTER);
            DoubleVector t1 = x1.fma(Exp.INV_LN2, Exp.SHIFTER);
            DoubleVector n0 = t0.sub(Exp.SHIFTER);
            DoubleVector n1 = t1.sub(Exp.SHIFTER);
            DoubleVector r0 = n0.fma(ln2Lo, n0.fma(ln2Hi, x0));
            DoubleVector r1 = n1.fma(ln2Lo, n1.fma(ln2Hi, x1));
            DoubleVector s0 = r0.mul(r0);
            DoubleVector s1 = r1.mul(r1);
            DoubleVector f0 = s0.mul(s0);
            DoubleVector f1 = s1.mul(s1);
            DoubleVector c0 = f0.fma(q9, r0.fma(Exp.Q8, Exp.Q7).fma(s0, r0.fma(Exp.Q6, Exp.Q5)))
                    .fma(f0, r0.fma(Exp.Q4, Exp.Q3).fma(s0, r0.fma(Exp.Q2, Exp.Q1)));
            DoubleVector c1 = f1.fma(q9, r1.fma(Exp.Q8, Exp.Q7).fma(s1, r1.fma(Exp.Q6, Exp.Q5)))
                    .fma(f1, r1.fma(Exp.Q4, Exp.Q3).fma(s1, r1.fma(Exp.Q2, Exp.Q1)));
            DoubleVector p0 = c0.fma(r0, q0).fma(r0, one).fma(r0, one);
            DoubleVector p1 = c1.fma(r1, q0).fma(r1, one).fma(r1, one);
            // 2^n into the exponent bits: bits(t) << 52 = n << 52 (see VectorExp.exp).
            LongVector e0 = ((LongVector) t0.reinterpretAsLongs()).lanewise(VectorOperators.LSHL, 52);
            LongVector e1 = ((LongVector) t1.reinterpretAsLongs()).lanewise(VectorOperators.LSHL, 52);
            DoubleVector v0 = ((LongVector) p0.reinterpretAsLongs()).add(e0).reinterpretAsDoubles();
            DoubleVector v1 = ((LongVector) p1.reinterpretAsLongs()).add(e1).reinterpretAsDoubles();
            if (i == hit) {
                v0 = v0.blend(0.0, gap0);
                v1 = v1.blend(0.0, gap1);
            }
            a0 = a0.add(v0);
            a1 = a1.add(v1);
        }
        double[] lanes = new double[LANES];
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        return withFloatTail(lanes, x, i, shift, skip);
    }

    /**
     * The float rows' finish, one order for both loops: the two accumulators' eight lanes (written into
     * {@code lanes} by the caller: passing the vectors here keeps C2 from inlining it and boxes them), then {@code exp(x[i] -
     * shift)} of the tail from {@code i} added to lanes 0, 1, ... in turn (scalar {@link Exp}, the same bits), then
     * the lanes summed in {@link #addLanes}' fixed order.
     */
    private static double withFloatTail(double[] lanes, float[] x, int i, double shift, int skip) {
        for (int j = 0; i < x.length; i++, j++) {
            if (i != skip) {
                lanes[j] += Exp.exp((double) x[i] - shift);
            }
        }
        return addLanes(lanes);
    }

    /**
     * {@link #sumExpShiftedWithout(float[], double, int)} of any row (NaN and infinities included), as the double
     * rows' loop.
     */
    private static double sumAnyRange(float[] x, double shift, int skip) {
        int n = x.length;
        int i = 0;
        DoubleVector k = DoubleVector.broadcast(D, shift);
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        int hit = skip & -4;
        VectorMask<Double> gap = VectorMask.fromLong(D, 1L << (skip & 3));
        for (int bound = n & -LANES; i < bound; i += 4) { // as in sumExpShiftedWithout(double[], double, int)
            DoubleVector e = VectorExp.exp(widen(x, i).sub(k));
            if (i == hit) {
                e = e.blend(0.0, gap);
            }
            DoubleVector sum = a0.add(e);
            a0 = a1;
            a1 = sum;
        }
        double[] lanes = new double[LANES];
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        return withFloatTail(lanes, x, i, shift, skip);
    }

    @Override
    public void shiftedLogProbabilities(double[] x, double m, double logSum, double[] out) {
        int n = x.length;
        int i = 0;
        DoubleVector vm = DoubleVector.broadcast(D, m);
        DoubleVector vl = DoubleVector.broadcast(D, logSum);
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromArray(D, x, i).sub(vm).sub(vl).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = (x[i] - m) - logSum;
        }
    }

    @Override
    public void shiftedLogProbabilities(float[] x, double m, double logSum, double[] out) {
        int n = x.length;
        int i = 0;
        DoubleVector vm = DoubleVector.broadcast(D, m);
        DoubleVector vl = DoubleVector.broadcast(D, logSum);
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            widen(x, i).sub(vm).sub(vl).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = ((double) x[i] - m) - logSum;
        }
    }

    @Override
    public double sum(double[] a, int n) {
        int i = 0;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (; i <= n - LANES; i += LANES) {
            a0 = a0.add(DoubleVector.fromArray(D, a, i));
            a1 = a1.add(DoubleVector.fromArray(D, a, i + 4));
        }
        double[] lanes = new double[LANES];
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        for (int j = 0; i < n; i++, j++) {
            lanes[j] += a[i];
        }
        return addLanes(lanes);
    }

    @Override
    public double dot(double[] a, double[] b, int n) {
        int i = 0;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (; i <= n - LANES; i += LANES) {
            a0 = a0.add(DoubleVector.fromArray(D, a, i).mul(DoubleVector.fromArray(D, b, i)));
            a1 = a1.add(DoubleVector.fromArray(D, a, i + 4).mul(DoubleVector.fromArray(D, b, i + 4)));
        }
        double[] lanes = new double[LANES];
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        for (int j = 0; i < n; i++, j++) {
            lanes[j] += a[i] * b[i];
        }
        return addLanes(lanes);
    }

    @Override
    public double dot(double[] a, double[] b, double[] w, int n) {
        int i = 0;
        DoubleVector a0 = DoubleVector.zero(D);
        DoubleVector a1 = a0;
        for (; i <= n - LANES; i += LANES) {
            a0 = a0.add(DoubleVector.fromArray(D, a, i).mul(DoubleVector.fromArray(D, b, i))
                    .mul(DoubleVector.fromArray(D, w, i)));
            a1 = a1.add(DoubleVector.fromArray(D, a, i + 4).mul(DoubleVector.fromArray(D, b, i + 4))
                    .mul(DoubleVector.fromArray(D, w, i + 4)));
        }
        double[] lanes = new double[LANES];
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, 4);
        for (int j = 0; i < n; i++, j++) {
            lanes[j] += (a[i] * b[i]) * w[i];
        }
        return addLanes(lanes);
    }

    /** Four floats from {@code x[i]}, widened to double lanes. */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
    }
}
