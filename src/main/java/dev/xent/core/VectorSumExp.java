package dev.xent.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SumExp} with the Java Vector API: lanes of double (the preferred width: 8 with AVX-512, 4 with AVX2), two
 * accumulators, {@code EXP} lanes (the JDK's SVML intrinsics), and a scalar {@link Math#exp} tail for the last
 * {@code C mod L} elements (rows shorter than 2L run on {@link Math#exp} alone). Float rows are read as floats with as
 * many lanes and widened to double lanes, with the same loop shape, so a float row gives the bits of its widened
 * double row.
 *
 * <p>Until the JIT compiles this class, the Vector API computes {@code EXP} lanes with {@link Math#exp}; compiled,
 * with SVML: the same row's sum can differ in its last bits between a JVM's first rows and its later ones (rows of
 * 2L or more values). Rows shorter than 2L are computed alike in both states. {@code -Dxent.vector=false} removes
 * the difference. (A vector tail for the last {@code C mod L} values made C = 10 rows faster but exposed them to it,
 * so it was taken out.)
 *
 * <p>The maximum is found with {@code v > m} per lane (a compare and a blend), so NaN entries are skipped as in
 * the scalar kernel and the result is the same value. Sums are reordered (per lane, then across lanes): they differ
 * from the scalar kernel's by rounding only. NaN, infinities and empty rows: see {@link SumExp}.
 *
 * <p>Loaded only through {@link SumExp#best()} / {@link SumExp#vector()}, which catch the {@link LinkageError} of a
 * JVM without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorSumExp extends SumExp {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #D}: read, then widened lane for lane. */
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    /** Floats at the full preferred width (twice {@link #F}'s lanes), where nothing is widened. */
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED;

    VectorSumExp() {
        if (L < 2) {
            throw new UnsupportedOperationException("one double lane: no gain over the scalar kernel");
        }
    }

    @Override
    public String name() {
        return "vector(" + L + " x double)";
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
        double s = 0.0;
        if (n >= L) {
            DoubleVector acc = DoubleVector.zero(D);
            for (int bound = D.loopBound(n); i < bound; i += L) {
                DoubleVector v = DoubleVector.fromArray(D, x, i);
                acc = acc.add(v.sub(v));
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += x[i] - x[i];
        }
        return Double.isNaN(s);
    }

    @Override
    public double max(double[] x) {
        int n = x.length;
        int i = 0;
        double m = Double.NEGATIVE_INFINITY;
        if (n >= L) {
            DoubleVector vm = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
            for (int bound = D.loopBound(n); i < bound; i += L) {
                DoubleVector v = DoubleVector.fromArray(D, x, i);
                vm = vm.blend(v, v.compare(VectorOperators.GT, vm));
            }
            m = vm.reduceLanes(VectorOperators.MAX); // no NaN lanes: they were never blended in
        }
        for (; i < n; i++) {
            if (x[i] > m) {
                m = x[i];
            }
        }
        return m;
    }

    @Override
    public double max(float[] x) {
        int n = x.length;
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector vm = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int bound = F.loopBound(n); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(F, x, i);
                VectorMask<Float> greater = v.compare(VectorOperators.GT, vm);
                vm = vm.blend(v, greater);
            }
            m = vm.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            if (x[i] > m) {
                m = x[i];
            }
        }
        return m;
    }

    @Override
    public double sumExpShifted(double[] x, double shift) {
        int n = x.length;
        int i = 0;
        double s = 0.0;
        if (n >= 2 * L) {
            DoubleVector k = DoubleVector.broadcast(D, shift);
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = DoubleVector.zero(D);
            for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
                a0 = a0.add(DoubleVector.fromArray(D, x, i).sub(k).lanewise(VectorOperators.EXP));
                a1 = a1.add(DoubleVector.fromArray(D, x, i + L).sub(k).lanewise(VectorOperators.EXP));
            }
            if (i <= n - L) {
                a0 = a0.add(DoubleVector.fromArray(D, x, i).sub(k).lanewise(VectorOperators.EXP));
                i += L;
            }
            s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += Math.exp(x[i] - shift);
        }
        return s;
    }

    @Override
    public double sumExpShifted(float[] x, double shift) {
        int n = x.length;
        int i = 0;
        double s = 0.0;
        if (n >= 2 * L) {
            DoubleVector k = DoubleVector.broadcast(D, shift);
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = DoubleVector.zero(D);
            for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
                a0 = a0.add(widen(x, i).sub(k).lanewise(VectorOperators.EXP));
                a1 = a1.add(widen(x, i + L).sub(k).lanewise(VectorOperators.EXP));
            }
            if (i <= n - L) {
                a0 = a0.add(widen(x, i).sub(k).lanewise(VectorOperators.EXP));
                i += L;
            }
            s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += Math.exp((double) x[i] - shift);
        }
        return s;
    }

    @Override
    public void shiftedLogProbabilities(double[] x, double m, double logSum, double[] out) {
        int n = x.length;
        int i = 0;
        DoubleVector vm = DoubleVector.broadcast(D, m);
        DoubleVector vl = DoubleVector.broadcast(D, logSum);
        for (int bound = D.loopBound(n); i < bound; i += L) {
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
        for (int bound = D.loopBound(n); i < bound; i += L) {
            widen(x, i).sub(vm).sub(vl).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = ((double) x[i] - m) - logSum;
        }
    }

    @Override
    public double sum(double[] a, int n) {
        int i = 0;
        double s = 0.0;
        if (n >= 2 * L) {
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = DoubleVector.zero(D);
            for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
                a0 = a0.add(DoubleVector.fromArray(D, a, i));
                a1 = a1.add(DoubleVector.fromArray(D, a, i + L));
            }
            s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += a[i];
        }
        return s;
    }

    @Override
    public double dot(double[] a, double[] b, int n) {
        int i = 0;
        double s = 0.0;
        if (n >= 2 * L) {
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = DoubleVector.zero(D);
            for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
                a0 = a0.add(DoubleVector.fromArray(D, a, i).mul(DoubleVector.fromArray(D, b, i)));
                a1 = a1.add(DoubleVector.fromArray(D, a, i + L).mul(DoubleVector.fromArray(D, b, i + L)));
            }
            s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public double dot(double[] a, double[] b, double[] w, int n) {
        int i = 0;
        double s = 0.0;
        if (n >= 2 * L) {
            DoubleVector a0 = DoubleVector.zero(D);
            DoubleVector a1 = DoubleVector.zero(D);
            for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
                a0 = a0.add(DoubleVector.fromArray(D, a, i).mul(DoubleVector.fromArray(D, b, i))
                        .mul(DoubleVector.fromArray(D, w, i)));
                a1 = a1.add(DoubleVector.fromArray(D, a, i + L).mul(DoubleVector.fromArray(D, b, i + L))
                        .mul(DoubleVector.fromArray(D, w, i + L)));
            }
            s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += (a[i] * b[i]) * w[i];
        }
        return s;
    }

    /** {@code L} floats from {@code x[i]}, widened to double lanes. */
    private static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
    }
}
