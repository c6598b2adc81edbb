package dev.xent.core;

/**
 * {@link SumExp} one element at a time, in index order, with {@link Math#exp}: the fallback when the Vector API is
 * absent, and the reference the vector kernel is tested against. NaN, infinities and empty rows: see {@link SumExp}.
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
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }

    @Override
    public double max(float[] x) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }

    @Override
    public double sumExpShifted(double[] x, double shift) {
        double s = 0.0;
        for (double v : x) {
            s += Math.exp(v - shift);
        }
        return s;
    }

    @Override
    public double sumExpShifted(float[] x, double shift) {
        double s = 0.0;
        for (float v : x) {
            s += Math.exp((double) v - shift);
        }
        return s;
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
        double s = 0.0;
        for (int c = 0; c < n; c++) {
            s += a[c];
        }
        return s;
    }

    @Override
    public double dot(double[] a, double[] b, int n) {
        double s = 0.0;
        for (int c = 0; c < n; c++) {
            s += a[c] * b[c];
        }
        return s;
    }

    @Override
    public double dot(double[] a, double[] b, double[] w, int n) {
        double s = 0.0;
        for (int c = 0; c < n; c++) {
            s += (a[c] * b[c]) * w[c];
        }
        return s;
    }
}
