package dev.xent.bench;

import dev.xent.spark.ReaderBatch;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.spark.Evaluation;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * xent on Parquet files, end to end, beside a floor job (issue 5, goals 3 and 5) on {@code local[2]}: for each C,
 * N rows of C float logits ({@code array<float>} that may hold nulls, as pyarrow and pandas write it) and an int
 * target in {@code files} Parquet files; xent's {@link Evaluation} and the floor (the fastest read of every logit
 * we know: Spark's internal rows, each array's floats summed, no loss) each read the first 1/8, 1/4, 1/2 and all of
 * the files, with the reader batch {@code bin/xent} would set ({@link ReaderBatch}). Each measurement is the median
 * of {@code runs} after one untimed run. Prints TSV lines: contender, N,
 * C, elements/s, median seconds, group {@code parquet}, peak heap bytes ({@link PeakHeap}).
 *
 * <p>Usage: {@code ParquetBench dataDir runs C:N:files ...} ({@code files} a multiple of 8). Data are made once
 * (from a fixed seed: 3 × N(0, 1) floats, uniform targets) and kept under {@code dataDir/c<C>-n<N>-f<files>}.
 * {@code ParquetBench dataDir make C:N:files} only makes the data (for the memory run).
 */
public final class ParquetBench {
    private ParquetBench() {
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = Path.of(args[0]);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("xent-bench-parquet")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        boolean makeOnly = args[1].equals("make");
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":");
            int classes = Integer.parseInt(spec[0]);
            long n = Long.parseLong(spec[1]);
            int files = Integer.parseInt(spec[2]);
            Path dir = make(spark, dataDir, classes, n, files);
            if (!makeOnly) {
                measure(spark, dir, classes, n, files, Integer.parseInt(args[1]));
            }
        }
        spark.stop();
    }

    /** The data set's folder, written first when absent (a {@code _SUCCESS} file marks it complete). */
    static Path make(SparkSession spark, Path dataDir, int classes, long n, int files) {
        Path dir = dataDir.resolve("c" + classes + "-n" + n + "-f" + files);
        if (Files.exists(dir.resolve("_SUCCESS"))) {
            return dir;
        }
        System.err.printf(Locale.ROOT, "parquet: writing %d x %d float logits to %s%n", n, classes, dir);
        long perFile = n / files;
        spark.range(0, files, 1, files).as(Encoders.LONG())
                .mapPartitions((MapPartitionsFunction<Long, BenchRow>) part -> rows(part, perFile, classes),
                        Encoders.bean(BenchRow.class))
                .selectExpr("id", "CAST(logits AS array<float>) AS logits", "target")
                .write().mode("overwrite").parquet(dir.toString());
        return dir;
    }

    /** The rows of every file id in this partition (one each, as the range is split). */
    private static Iterator<BenchRow> rows(Iterator<Long> fileIds, long perFile, int classes) {
        return new Iterator<>() {
            long file = -1;
            long i = perFile;
            SplittableRandom random;

            @Override
            public boolean hasNext() {
                return i < perFile || fileIds.hasNext();
            }

            @Override
            public BenchRow next() {
                if (i >= perFile) {
                    file = fileIds.next();
                    random = new SplittableRandom(20240605L + file);
                    i = 0;
                }
                BenchRow row = new BenchRow();
                row.setId(file * perFile + i++);
                float[] logits = new float[classes];
                for (int c = 0; c < classes; c++) {
                    logits[c] = (float) (3.0 * random.nextGaussian());
                }
                row.setLogits(logits);
                row.setTarget(random.nextInt(classes));
                return row;
            }
        };
    }

    private static void measure(SparkSession spark, Path dir, int classes, long n, int files, int runs)
            throws IOException {
        List<String> parts;
        try (Stream<Path> list = Files.list(dir)) {
            parts = list.map(Path::toString).filter(p -> p.endsWith(".parquet")).sorted()
                    .collect(Collectors.toList());
        }
        CrossEntropyOptions options = CrossEntropyOptions.builder().classes(classes).build();
        // The reader batch bin/xent would use (Spark's 4,096 rows at C = 32,000 is 512 MB per task), for both jobs.
        spark.conf().set("spark.sql.parquet.columnarReaderBatchSize", String.valueOf(ReaderBatch.rows(classes)));
        for (int share = files / 8; share <= files; share *= 2) {
            Dataset<Row> df = spark.read().parquet(parts.subList(0, share).toArray(new String[0]));
            long rows = n / files * share;
            time("xent Evaluation", rows, classes, runs, () -> Evaluation.of(df).options(options).run().total()
                    .mean());
            time("floor: read every logit", rows, classes, runs, () -> floor(df));
        }
    }

    /**
     * The sum of every logit, read from Spark's internal rows (the least work that still reads each value), in the
     * shape of xent's scan: one pass per partition, the partial sums combined on the driver.
     */
    static double floor(Dataset<Row> df) {
        return df.select("logits").queryExecution().toRdd().toJavaRDD().mapPartitions(new PartitionSum())
                .collect().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** One partition's sum of every logit (a class, not a lambda, as xent's own functions). */
    private static final class PartitionSum implements FlatMapFunction<Iterator<InternalRow>, Double> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Double> call(Iterator<InternalRow> rows) {
            double s = 0.0;
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                if (!row.isNullAt(0)) {
                    ArrayData a = row.getArray(0);
                    for (int i = 0, n = a.numElements(); i < n; i++) {
                        s += a.getFloat(i);
                    }
                }
            }
            return List.of(s).iterator();
        }
    }

    private static void time(String name, long n, int classes, int runs, DoubleSupplier route) {
        TimedRuns.print("parquet", name, n, classes, 1, runs, route);
    }

    /** One generated row, written through a bean encoder (its float array is copied whole, not boxed). */
    public static final class BenchRow implements Serializable {
        private static final long serialVersionUID = 1L;
        private long id;
        private float[] logits;
        private int target;

        public long getId() {
            return id;
        }

        public void setId(long id) {
            this.id = id;
        }

        public float[] getLogits() {
            return logits;
        }

        public void setLogits(float[] logits) {
            this.logits = logits;
        }

        public int getTarget() {
            return target;
        }

        public void setTarget(int target) {
            this.target = target;
        }
    }
}
