package dev.xent.bench;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.spark.Comparison;
import dev.xent.spark.Evaluation;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code xent compare} of two Parquet datasets beside evaluating both (issue 14's speed goal: at most 1.3×), on
 * {@code local[2]}: for each {@code C:N:files}, a baseline and a candidate data set of N rows of C float logits
 * (made once by {@link ParquetBench#make}, the candidate in its own folder), then {@code runs} rounds, each timing
 * both contenders one after the other (so the machine's load falls on both alike) after one untimed round. Prints
 * TSV lines (contender, N, C, elements/s over both datasets, median seconds, group {@code compare}, peak heap) and
 * the ratio of the medians on standard error and as a last TSV line; on standard error also each run's wall and CPU
 * seconds and the ratio of the CPU medians (the JVM's CPU time, a steadier measure on a machine others load), and
 * where the last run's time went: each stage's wall seconds and its tasks' run and CPU seconds.
 *
 * <p>Usage: {@code CompareBench dataDir runs C:N:files ...}.
 */
public final class CompareBench {
    private CompareBench() {
    }

    /** CPU time of this JVM, all threads (executors, driver, GC, compiler): less bent by others' load than wall time. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("xent-bench-compare")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        StageTimes stages = new StageTimes();
        spark.sparkContext().addSparkListener(stages);
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":");
            int classes = Integer.parseInt(spec[0]);
            long n = Long.parseLong(spec[1]);
            int files = Integer.parseInt(spec[2]);
            Path baseline = ParquetBench.make(spark, dataDir, classes, n, files);
            Path candidate = ParquetBench.make(spark, dataDir.resolve("candidate"), classes, n, files);
            Dataset<Row> b = spark.read().parquet(baseline.toString());
            Dataset<Row> c = spark.read().parquet(candidate.toString());
            CrossEntropyOptions options = CrossEntropyOptions.builder().classes(classes).build();
            double[] evaluate = new double[runs];
            double[] compare = new double[runs];
            double[] evaluateCpu = new double[runs];
            double[] compareCpu = new double[runs];
            for (int r = -1; r < runs; r++) {
                boolean last = r == runs - 1;
                long start = System.nanoTime();
                long startCpu = cpuNanos();
                double both = Evaluation.of(b).options(options).run().total().mean()
                        + Evaluation.of(c).options(options).run().total().mean();
                long middle = System.nanoTime();
                long middleCpu = cpuNanos();
                stages.print(last, "evaluating both");
                long compareStart = System.nanoTime();
                long compareStartCpu = cpuNanos();
                double difference = Comparison.of(b, c, List.of("id")).options(options).run().total().difference();
                long end = System.nanoTime();
                long endCpu = cpuNanos();
                stages.print(last, "compare");
                if (r >= 0) {
                    evaluate[r] = (middle - start) * 1e-9;
                    compare[r] = (end - compareStart) * 1e-9;
                    evaluateCpu[r] = (middleCpu - startCpu) * 1e-9;
                    compareCpu[r] = (endCpu - compareStartCpu) * 1e-9;
                    System.err.printf(Locale.ROOT, "compare N=%d C=%d run %d: evaluating both %.3f s (%.3f CPU s), "
                            + "compare %.3f s (%.3f CPU s)%n", n, classes, r, evaluate[r], evaluateCpu[r], compare[r],
                            compareCpu[r]);
                } else {
                    System.err.printf(Locale.ROOT, "compare N=%d C=%d: means summed %.12g, difference %.12g%n", n,
                            classes, both, difference);
                }
            }
            double e = BenchTable.median(evaluate);
            double k = BenchTable.median(compare);
            System.out.printf(Locale.ROOT, "xent evaluate, both datasets\t%d\t%d\t%.6g\t%.6g\tcompare\t%d%n", n, classes,
                    2.0 * n * classes / e, e, PeakHeap.bytes());
            System.out.printf(Locale.ROOT, "xent compare\t%d\t%d\t%.6g\t%.6g\tcompare\t%d%n", n, classes,
                    2.0 * n * classes / k, k, PeakHeap.bytes());
            System.out.printf(Locale.ROOT, "ratio compare / evaluate both\t%d\t%d\t%.4f\t\tcompare\t%n", n, classes,
                    k / e);
            double ec = BenchTable.median(evaluateCpu);
            double kc = BenchTable.median(compareCpu);
            System.err.printf(Locale.ROOT, "compare N=%d C=%d: median %.3f s, evaluating both %.3f s, ratio %.3f; "
                    + "CPU time (this JVM, all threads) median %.3f s against %.3f s, ratio %.3f (%d runs)%n", n,
                    classes, k, e, k / e, kc, ec, kc / ec, runs);
            System.out.flush();
        }
        spark.stop();
    }

    /** The stages completed since the last {@link #print}: name, tasks, wall seconds, tasks' run and CPU seconds. */
    private static final class StageTimes extends SparkListener {
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void onStageCompleted(SparkListenerStageCompleted event) {
            StageInfo s = event.stageInfo();
            long wall = (long) s.completionTime().get() - (long) s.submissionTime().get();
            lines.add(String.format(Locale.ROOT, "  stage %d %-40s %3d tasks, %.3f s wall, tasks %.3f s run, %.3f s CPU",
                    s.stageId(), s.name(), s.numTasks(), wall * 1e-3, s.taskMetrics().executorRunTime() * 1e-3,
                    s.taskMetrics().executorCpuTime() * 1e-9));
        }

        /** Prints (when {@code print}) and forgets the stages seen so far. */
        void print(boolean print, String label) {
            try {
                Thread.sleep(300); // a job's caller may wake before its last stage's completion is posted
                SparkSession.active().sparkContext().listenerBus().waitUntilEmpty();
            } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
                throw new IllegalStateException("the listener bus did not drain", e);
            }
            synchronized (this) {
                if (print) {
                    System.err.println("stages of " + label + " (last run):");
                    lines.forEach(System.err::println);
                }
                lines.clear();
            }
        }
    }
}
