package dev.xent.bench;

import dev.xent.spark.ReaderBatch;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.spark.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The in-job half of the DuckDB comparison (issue 17; {@code XENT_BENCH_DUCKDB=1 bin/xent-bench}): in one
 * {@code local[2]} session, for each input, xent's {@link Evaluation} and the Spark row floor (Spark's internal
 * rows, every logit summed: the least work that still reads each value), each timed from the read of the files to
 * the answer, median of {@code runs} after one untimed run, with the reader batch {@code bin/xent} sets
 * ({@link ReaderBatch}; {@code -Dxent.bench.batch=ROWS} overrides it, to compare batch sizes).
 *
 * <p>Usage: {@code InJobBench runs LABEL=FORMAT=PATH=C ...} (LABEL without "="; FORMAT parquet or json; json rows
 * get no floor). Prints TSV lines: label, contender, median seconds, the figure computed (xent's mean; the floor's
 * sum), this JVM's peak resident size so far in bytes ({@code VmHWM}: it covers every row printed before it).
 */
public final class InJobBench {
    private InJobBench() {
    }

    public static void main(String[] args) throws IOException {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("xent-bench-injob")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        int runs = Integer.parseInt(args[0]);
        for (int i = 1; i < args.length; i++) {
            String[] spec = args[i].split("=", 4);
            String label = spec[0];
            String format = spec[1];
            String path = spec[2];
            int classes = Integer.parseInt(spec[3]);
            int batch = Integer.getInteger("xent.bench.batch", ReaderBatch.rows(classes));
            spark.conf().set("spark.sql.parquet.columnarReaderBatchSize", String.valueOf(batch));
            CrossEntropyOptions options = CrossEntropyOptions.builder().classes(classes).build();
            time(label, "xent in-job", runs, () -> Evaluation.of(read(spark, format, path)).options(options).run()
                    .total().mean());
            if (format.equals("parquet")) {
                time(label, "Spark row floor", runs, () -> floor(read(spark, format, path)));
            }
        }
        spark.stop();
    }

    private static Dataset<Row> read(SparkSession spark, String format, String path) {
        return format.equals("json") ? spark.read().option("allowNonNumericNumbers", "true").json(path)
                : spark.read().parquet(path);
    }

    private static void time(String label, String contender, int runs, DoubleSupplier route) throws IOException {
        double value = route.getAsDouble();
        double[] seconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            value = route.getAsDouble();
            seconds[r] = (System.nanoTime() - start) * 1e-9;
        }
        System.err.printf(Locale.ROOT, "%s %s: %.17g, median %.3f s of %d%n", label, contender, value,
                BenchTable.median(seconds), runs);
        System.out.printf(Locale.ROOT, "%s\t%s\t%.6f\t%.17g\t%d%n", label, contender, BenchTable.median(seconds),
                value, peakResidentBytes());
        System.out.flush();
    }

    /** The sum of every logit (float or double arrays) from Spark's internal rows, one pass per partition. */
    static double floor(Dataset<Row> df) {
        boolean doubles = ((ArrayType) df.schema().apply("logits").dataType()).elementType()
                .equals(DataTypes.DoubleType);
        return df.select("logits").queryExecution().toRdd().toJavaRDD().mapPartitions(new PartitionSum(doubles))
                .collect().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** This JVM's peak resident size ({@code VmHWM} of /proc/self/status), or -1 where there is none. */
    static long peakResidentBytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** One partition's sum of every logit. */
    private static final class PartitionSum implements FlatMapFunction<Iterator<InternalRow>, Double> {
        private static final long serialVersionUID = 1L;
        private final boolean doubles;

        PartitionSum(boolean doubles) {
            this.doubles = doubles;
        }

        @Override
        public Iterator<Double> call(Iterator<InternalRow> rows) {
            double s = 0.0;
            while (rows.hasNext()) {
                InternalRow row = rows.next();
                if (!row.isNullAt(0)) {
                    ArrayData a = row.getArray(0);
                    for (int i = 0, n = a.numElements(); i < n; i++) {
                        s += doubles ? a.getDouble(i) : a.getFloat(i);
                    }
                }
            }
            return List.of(s).iterator();
        }
    }
}
