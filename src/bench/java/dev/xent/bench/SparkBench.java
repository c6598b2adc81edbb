package dev.xent.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.spark.Evaluation;
import dev.xent.spark.XentFunctions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * The Spark routes to a cross-entropy mean over one cached DataFrame on {@code local[2]} (N rows of C float
 * logits, {@code array<float>}, and an int target): xent's one-scan aggregate ({@link Evaluation}), the MLlib
 * SQL routes: the catalog's {@code xent.agg} and {@code sum(xent.loss)} ({@code spark.sql.catalog.xent}) beside the
 * older {@code xent_agg} (a typed {@code Aggregator}) and {@code xent_loss} (a UDF); the MLlib
 * route ({@code array_to_vector}, a softmax UDF, {@code MulticlassClassificationEvaluator} with {@code logLoss}),
 * Spark SQL's built-in higher-order functions ({@code array_max} and {@code aggregate} over {@code exp}), and a
 * plain Java UDF that takes the boxed {@code Seq}. Each route runs {@code runs} times after {@link #WARM_UP_RUNS}
 * untimed runs; the median wall time gives elements/s = N × C / median. Prints one TSV line per route (contender,
 * N, C, elements/s, median seconds, group {@code spark}, the JVM's peak heap during the timed runs in bytes, the
 * cached data included: {@link PeakHeap}) and each route's mean on standard error (they must agree).
 *
 * <p>Usage: {@code SparkBench elements[,elements...] runs C...}: for each size and each C, N = elements / C rows.
 * Data: 3 × N(0, 1) floats and uniform targets from a fixed seed, made on the driver, cached in two partitions.
 */
public final class SparkBench {
    /**
     * Untimed runs per route first: the JIT compiles xent's vector kernel late in a Spark JVM, whose compiler is busy
     * with Spark's generated code (two warm-up runs left xent's median about 2.5 times slower than its later runs).
     */
    static final int WARM_UP_RUNS = 6;

    private SparkBench() {
    }

    public static void main(String[] args) {
        int runs = Integer.parseInt(args[1]);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("xent-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.catalog.xent", "dev.xent.spark.XentCatalog")
                .getOrCreate();
        XentFunctions.register(spark, CrossEntropyOptions.defaults());
        spark.sparkContext().setLogLevel("WARN");
        for (String size : args[0].split(",")) {
            long elements = Long.parseLong(size);
            for (int i = 2; i < args.length; i++) {
                int classes = Integer.parseInt(args[i]);
                run(spark, (int) (elements / classes), classes, runs);
            }
        }
        spark.stop();
    }

    private static void run(SparkSession spark, int n, int classes, int runs) {
        Dataset<Row> df = data(spark, n, classes).cache();
        df.count();

        CrossEntropyOptions options = CrossEntropyOptions.builder().classes(classes).build();
        time("xent Evaluation", n, classes, runs, () -> Evaluation.of(df).options(options).run().total().mean());
        df.createOrReplaceTempView("outputs");
        time("SQL xent.agg", n, classes, runs, () -> spark.sql("SELECT xent.agg(logits, target).mean FROM outputs")
                .first().getDouble(0));
        time("SQL sum(xent.loss)", n, classes, runs, () -> spark.sql("SELECT sum(xent.loss(logits, target)) / "
                + "count(*) FROM outputs").first().getDouble(0));
        time("SQL xent_agg (Aggregator)", n, classes, runs, () -> spark.sql("SELECT xent_agg(logits, target).mean "
                + "FROM outputs").first().getDouble(0));
        time("SQL xent_loss (UDF)", n, classes, runs, () -> spark.sql("SELECT avg(xent_loss(logits, target)) "
                + "FROM outputs").first().getDouble(0));
        time("boxed Java UDF", n, classes, runs, () -> df.select(avg(boxedLoss().apply(col("logits"),
                col("target")))).first().getDouble(0));
        time("MLlib logLoss", n, classes, runs, () -> new MulticlassClassificationEvaluator().setMetricName("logLoss")
                .setLabelCol("label").setProbabilityCol("probability").setPredictionCol("prediction")
                .evaluate(df.select(col("target").cast("double").as("label"), lit(0.0).as("prediction"),
                        softmax().apply(functions.array_to_vector(col("logits"))).as("probability"))));
        time("Spark SQL HOF", n, classes, runs, () -> spark.sql("SELECT avg(log(aggregate(logits, 0D, "
                + "(s, x) -> s + exp(x - m))) - (element_at(logits, target + 1) - m)) FROM "
                + "(SELECT logits, target, array_max(logits) AS m FROM outputs)").first().getDouble(0));
        df.unpersist(true);
    }

    static Dataset<Row> data(SparkSession spark, int n, int classes) {
        SplittableRandom random = new SplittableRandom(20240605L);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Float[] logits = new Float[classes];
            for (int c = 0; c < classes; c++) {
                logits[c] = (float) (3.0 * random.nextGaussian());
            }
            rows.add(RowFactory.create((long) i, Arrays.asList(logits), random.nextInt(classes)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("target", DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    /** A user's softmax for MLlib: probabilities from a logits vector, max-shifted, in double. */
    static UserDefinedFunction softmax() {
        return udf((UDF1<Vector, Vector>) v -> {
            double[] x = v.toArray();
            double m = Double.NEGATIVE_INFINITY;
            for (double e : x) {
                m = Math.max(m, e);
            }
            double s = 0.0;
            double[] p = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                p[i] = Math.exp(x[i] - m);
                s += p[i];
            }
            for (int i = 0; i < x.length; i++) {
                p[i] /= s;
            }
            return new DenseVector(p);
        }, SQLDataTypes.VectorType());
    }

    /** A user's per-row loss over the boxed {@code Seq} Spark hands a Java UDF. */
    static UserDefinedFunction boxedLoss() {
        return udf((UDF2<Seq<Float>, Integer, Double>) (logits, target) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (Iterator<Float> it = logits.iterator(); it.hasNext(); ) {
                m = Math.max(m, it.next());
            }
            double s = 0.0;
            for (Iterator<Float> it = logits.iterator(); it.hasNext(); ) {
                s += Math.exp(it.next() - m);
            }
            return Math.log(s) - (logits.apply(target) - m);
        }, DataTypes.DoubleType);
    }

    /**
     * Runs a route unless {@code XENT_BENCH_SPARK_ROUTES} (comma-separated names, e.g. {@code xent Evaluation,SQL
     * xent.agg}) leaves it out.
     */
    private static void time(String name, int n, int classes, int runs, DoubleSupplier route) {
        String only = System.getenv("XENT_BENCH_SPARK_ROUTES");
        if (only == null || only.isBlank() || Arrays.asList(only.split(",")).contains(name)) {
            TimedRuns.print("spark", name, n, classes, WARM_UP_RUNS, runs, route);
        }
    }
}
