package dev.xent.core;

/**
 * {@link SumExp} one element at a time with {@link Exp#exp}, in {@link SumExp}'s eight-lane order (value {@code c} into
 * lane {@code c mod 8}): the fallback when the Vector API is absent, with the bits of the vector kernel. NaN,
 * infinities and empty rows: see {@link SumExp}.
 */
final class ScalarSumExp extends SumExp {
    static final ScalarSumExp INSTANCE = new ScalarSumExp();

    private ScalarSumExp() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public boolean anyNonFinite(float[] x) {
        boolean any = false;
        for (float v : x) {
            any |= !(Math.abs(v) <= Float.MAX_VALUE);
        }
        return any;
    }

    @Override
    public boolean anyNonFinite(double[] x) {
        boolean any = false;
        for (double v : x) {
            any |= !(Math.abs(v) <= Double.MAX_VALUE);
        }
        return any;
    }

    @Override
    public double max(double[] x) {
        double[] lanes = new double[LANES];
        java.util.Arrays.fill(lanes, Double.NEGATIVE_INFINITY);
        for (int c = 0; c < x.length; c++) {
            if (x[c] > lanes[c & (LANES - 1)]) { // NaN compares false: never taken
                lanes[c & (LANES - 1)] = x[c];
            }
        }
        return maxLanes(lanes);
    }

    @Override
    public double max(float[] x) {
        double[] lanes = new double[LANES];
        java.util.Arrays.fill(lanes, Double.NEGATIVE_INFINITY);
        for (int c = 0; c < x.length; c++) {
            if (x[c] > lanes[c & (LANES - 1)]) {
                lanes[c & (LANES - 1)] = x[c];
            }
        }
        return maxLanes(lanes);
    }

    @Override
    public double sumExpShiftedWithout(double[] x, double shift, int skip) {
        double[] lanes = new double[LANES];
        for (int c = 0; c < x.length; c++) {
            if (c != skip) {
                lanes[c & (LANES - 1)] += Exp.exp(x[c] - shift);
            }
        }
        return addLanes(lanes);
    }

    @Override
    public double sumExpShiftedWithout(float[] x, double shift, int skip) {
        double[] lanes = new double[LANES];
        for (int c = 0; c < x.length; c++) {
            if (c != skip) {
                lanes[c & (LANES - 1)] += Exp.exp((double) x[c] - shift);
            }
        }
        return addLanes(lanes);
    }

    @Override
    public void shiftedLogProbabilities(double[] x, double m, double logSum, double[] out) {
        for (int c = 0; c < x.length; c++) {
            out[c] = (x[c] - m) - logSum;
        }
    }

    @Override
    public void shiftedLogProbabilities(float[] x, double m, double logSum, double[] out) {
        for (int c = 0; c < x.length; c++) {
            out[c] = ((double) x[c] - m) - logSum;
        }
    }

    @Override
    public double sum(double[] a, int n) {
        double[] lanes = new double[LANES];
        for (int c = 0; c < n; c++) {
            lanes[c & (LANES - 1)] += a[c];
        }
        return addLanes(lanes);
    }

    @Override
    public double dot(double[] a, double[] b, int n) {
        double[] lanes = new double[LANES];
        for (int c = 0; c < n; c++) {
            lanes[c & (LANES - 1)] += a[c] * b[c];
        }
        return addLanes(lanes);
    }

    @Override
    public double dot(double[] a, double[] b, double[] w, int n) {
        double[] lanes = new double[LANES];
        for (int c = 0; c < n; c++) {
            lanes[c & (LANES - 1)] += (a[c] * b[c]) * w[c];
        }
        return addLanes(lanes);
    }
}
