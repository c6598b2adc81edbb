package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests with a seeded generator: random shapes, options and values, against a slow, straightforward
 * reference written from PyTorch's documented formulas (exp sums and reductions in BigDecimal); and the merge law
 * for every generated state.
 */
class ReferencePropertyTest {

    static Stream<Integer> seeds() {
        return IntStream.range(0, 400).boxed();
    }

    /** One random problem. */
    static final class Problem {
        final int n;
        final int c;
        final double[][] x;
        final long[] y;
        final double[][] p;
        final CrossEntropyOptions options;

        Problem(long seed) {
            Random r = new Random(seed);
            n = r.nextInt(41);
            c = 1 + (r.nextBoolean() ? r.nextInt(8) : r.nextInt(400));
            double scale = Math.pow(10, -3 + 7 * r.nextDouble());
            x = new double[n][c];
            for (double[] row : x) {
                for (int j = 0; j < c; j++) {
                    row[j] = r.nextGaussian() * scale;
                }
            }
            CrossEntropyOptions.Builder b = CrossEntropyOptions.builder();
            int weights = r.nextInt(4);
            if (weights > 0) {
                double[] w = new double[c];
                for (int j = 0; j < c; j++) {
                    w[j] = weights == 1 ? r.nextDouble() * 3 : weights == 2 ? r.nextDouble() * 3 - 1
                            : (r.nextInt(3) == 0 ? 0.0 : r.nextDouble());
                }
                b.weight(w);
            }
            boolean soft = r.nextInt(4) == 0;
            long ii = soft ? -1 - r.nextInt(200) : (r.nextBoolean() ? -100 : r.nextInt(c));
            b.ignoreIndex(ii);
            int eps = r.nextInt(4);
            b.labelSmoothing(eps == 0 ? 0.0 : eps == 1 ? 1.0 : r.nextDouble());
            boolean logProbs = !soft && r.nextInt(5) == 0;
            if (logProbs) {
                b.inputKind(InputKind.LOG_PROBABILITIES);
                for (double[] row : x) {
                    for (int j = 0; j < c; j++) {
                        row[j] = -Math.abs(row[j]);
                    }
                }
            }
            options = b.build();
            y = new long[n];
            p = soft ? new double[n][c] : null;
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(9) == 0 ? ii : r.nextInt(c);
                if (soft) {
                    for (int j = 0; j < c; j++) {
                        p[i][j] = r.nextDouble();
                    }
                }
            }
        }
    }

    /** log_softmax written plainly: exp values summed exactly in BigDecimal, one log. */
    static double[] referenceLogSoftmax(double[] x, InputKind kind) {
        if (kind == InputKind.LOG_PROBABILITIES) {
            return x.clone();
        }
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : x) {
            sum = sum.add(new BigDecimal(Math.exp(v - m)));
        }
        double logSum = Math.log(sum.doubleValue());
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = (x[j] - m) - logSum;
        }
        return out;
    }

    /** The reference per-row terms: {target term, smoothing term, normalizer share}; null for ignored rows. */
    static double[] referenceRow(Problem q, int i) {
        CrossEntropyOptions o = q.options;
        double eps = o.labelSmoothing();
        double[] lsm = referenceLogSoftmax(q.x[i], o.inputKind());
        if (q.p != null) {
            double s = 0;
            for (int j = 0; j < q.c; j++) {
                double target = eps > 0 ? q.p[i][j] * (1 - eps) + eps / q.c : q.p[i][j];
                s += lsm[j] * target * o.weightOf(j);
            }
            return new double[] {-s, 0, 1};
        }
        if (q.y[i] == o.ignoreIndex()) {
            return null;
        }
        int t = (int) q.y[i];
        double nll = -(o.weightOf(t) * lsm[t]);
        double smooth = 0;
        for (int j = 0; j < q.c; j++) {
            smooth += lsm[j] * o.weightOf(j);
        }
        return new double[] {(1 - eps) * nll, eps > 0 ? -smooth * (eps / q.c) : 0, o.weightOf(t)};
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void matchesTheReferenceAndTheMergeLaw(int seed) {
        Problem q = new Problem(seed);
        CrossEntropyLoss loss = new CrossEntropyLoss(q.options);
        double[] none = q.p != null ? loss.none(q.x, q.p) : loss.none(q.x, q.y);
        LossState state = q.p != null ? loss.state(q.x, q.p) : loss.state(q.x, q.y);
        BigDecimal a = BigDecimal.ZERO;
        BigDecimal b = BigDecimal.ZERO;
        BigDecimal w = BigDecimal.ZERO;
        double magnitude = 0;
        for (int i = 0; i < q.n; i++) {
            double[] ref = referenceRow(q, i);
            double expected = ref == null ? 0.0 : ref[0] + ref[1];
            double tolerance = 1e-12 * Math.max(1, Math.abs(expected)) + 1e-15 * rowScale(q.x[i]);
            assertEquals(expected, none[i], tolerance, "seed " + seed + " row " + i);
            if (ref != null) {
                a = a.add(new BigDecimal(ref[0]));
                b = b.add(new BigDecimal(ref[1]));
                w = w.add(new BigDecimal(ref[2]));
                magnitude += Math.abs(ref[0]) + Math.abs(ref[1]);
            }
        }
        double sum = a.add(b).doubleValue();
        double sumTolerance = 1e-12 * Math.max(1, magnitude) + 1e-15 * q.n * maxScale(q.x);
        assertEquals(sum, state.sum(), sumTolerance, "seed " + seed + " sum");
        double weightSum = w.doubleValue();
        assertEquals(weightSum, state.weightSum(), 0.0, "seed " + seed + " weight sum (exact both ways)");
        if (weightSum != 0 && Math.abs(weightSum) > 1e-3) {
            double mean = q.options.labelSmoothing() > 0 && q.p == null
                    ? a.doubleValue() / weightSum + b.doubleValue() / weightSum
                    : sum / weightSum;
            assertEquals(mean, state.mean(), sumTolerance / Math.abs(weightSum), "seed " + seed + " mean");
        }
        // merge(A, B) equals one pass over A and B, for a random split
        int split = q.n == 0 ? 0 : new Random(seed).nextInt(q.n + 1);
        LossState left = stateOf(q, 0, split);
        LossState right = stateOf(q, split, q.n);
        LossState merged = left.merge(right);
        assertEquals(Double.doubleToRawLongBits(state.sum()), Double.doubleToRawLongBits(merged.sum()));
        assertEquals(Double.doubleToRawLongBits(state.mean()), Double.doubleToRawLongBits(merged.mean()));
        assertEquals(state.rows(), merged.rows());
        assertTrue(state.rows() == q.n);
    }

    private static LossState stateOf(Problem q, int from, int to) {
        CrossEntropy kernel = new CrossEntropy(q.options, q.c);
        LossState s = LossState.of(q.options, q.p != null ? LossState.Targets.PROBABILITIES
                : LossState.Targets.CLASS_INDEX);
        for (int i = from; i < to; i++) {
            if (q.p != null) {
                kernel.add(s, q.x[i], q.p[i]);
            } else {
                kernel.add(s, q.x[i], q.y[i]);
            }
        }
        return s;
    }

    private static double rowScale(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m * x.length;
    }

    private static double maxScale(double[][] x) {
        double m = 0;
        for (double[] row : x) {
            m = Math.max(m, rowScale(row));
        }
        return m;
    }
}
