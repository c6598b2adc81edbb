package dev.xent.bench;

import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Times one contender of {@link SparkBench} or {@link ParquetBench}: untimed runs first, then {@code runs} timed ones,
 * and prints the median on one TSV line (contender, N, C, elements/s, median seconds, group, the JVM's peak heap
 * during the timed runs: {@link PeakHeap}) and, on standard error, the figure the route computed (they must agree
 * between contenders).
 */
final class TimedRuns {
    private TimedRuns() {
    }

    static void print(String group, String name, long n, int classes, int warmUps, int runs, DoubleSupplier route) {
        double value = Double.NaN;
        for (int w = 0; w < warmUps; w++) {
            value = route.getAsDouble();
        }
        PeakHeap.reset();
        double[] seconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            value = route.getAsDouble();
            seconds[r] = (System.nanoTime() - start) * 1e-9;
        }
        double median = BenchTable.median(seconds);
        System.err.printf(Locale.ROOT, "%s N=%d C=%d: %.12g, median %.4f s over %d runs%n", name, n, classes, value,
                median, runs);
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%.6g\t%.6g\t%s\t%d%n", name, n, classes,
                (double) n * classes / median, median, group, PeakHeap.bytes());
        System.out.flush();
    }
}
