package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LogSoftmax;
import dev.xent.core.LossState;
import dev.xent.testing.Frames;
import dev.xent.testing.SharedSpark;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-row UDF and the aggregate through the DataFrame API and through SQL. */
class XentFunctionsTest {
    static final CrossEntropyOptions OPTIONS = CrossEntropyOptions.builder().weight(1, 2, 0.5, 1).build();
    static double[][] x;
    static long[] y;

    @BeforeAll
    static void data() {
        Random r = new Random(21);
        x = new double[60][4];
        y = new long[60];
        for (int i = 0; i < 60; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) (r.nextGaussian() * 2);
            }
            y[i] = i % 11 == 0 ? -100 : r.nextInt(4);
        }
        Frames.withClassTargets(x, y, Frames.Logits.FLOAT_ARRAY, DataTypes.IntegerType)
                .withColumn("g", functions.expr("id % 2"))
                .createOrReplaceTempView("xent_fn_test");
        XentFunctions.register(SharedSpark.get(), OPTIONS);
    }

    @Test
    void perRowLossThroughTheDataFrameApiAndSql() {
        SparkSession spark = SharedSpark.get();
        Dataset<Row> df = spark.table("xent_fn_test");
        List<Row> api = df.select(df.col("id"), XentFunctions.loss(df.col("logits"), df.col("target"), OPTIONS))
                .orderBy("id").collectAsList();
        List<Row> sql = spark.sql("SELECT id, xent_loss(logits, target) FROM xent_fn_test ORDER BY id")
                .collectAsList();
        CrossEntropy kernel = new CrossEntropy(OPTIONS, 4);
        for (int i = 0; i < x.length; i++) {
            double expected = kernel.loss(x[i], y[i]);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(api.get(i).getDouble(1)));
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(sql.get(i).getDouble(1)));
        }
    }

    @Test
    void aggregateThroughTheDataFrameApiAndSqlWithGroups() {
        SparkSession spark = SharedSpark.get();
        LossState all = new CrossEntropyLoss(OPTIONS).state(x, y);
        Row sql = spark.sql("SELECT xent_agg(logits, target) AS s FROM xent_fn_test").first();
        Row s = sql.getStruct(0);
        assertEquals(all.mean(), s.getDouble(s.fieldIndex("mean")), 0.0);
        assertEquals(all.sum(), s.getDouble(s.fieldIndex("sum")), 0.0);
        assertEquals(all.ignored(), s.getLong(s.fieldIndex("ignored")));
        assertEquals(60L, s.getLong(s.fieldIndex("rows")));

        Dataset<Row> df = spark.table("xent_fn_test");
        InputColumns columns = InputColumns.resolve(df.schema(), "logits", "target");
        Row api = df.agg(XentFunctions.aggregate(columns, OPTIONS, 4, RowPolicy.FAIL).as("s")).first().getStruct(0);
        assertEquals(all.mean(), api.getDouble(api.fieldIndex("mean")), 0.0);

        List<Row> groups = spark.sql("SELECT g, xent_agg(logits, target).mean FROM xent_fn_test GROUP BY g ORDER BY g")
                .collectAsList();
        assertEquals(2, groups.size());
        for (Row g : groups) {
            long key = g.getLong(0);
            double[][] gx = java.util.stream.IntStream.range(0, 60).filter(i -> i % 2 == key)
                    .mapToObj(i -> x[i]).toArray(double[][]::new);
            long[] gy = java.util.stream.IntStream.range(0, 60).filter(i -> i % 2 == key)
                    .mapToLong(i -> y[i]).toArray();
            assertEquals(new CrossEntropyLoss(OPTIONS).state(gx, gy).mean(), g.getDouble(1), 0.0);
        }
    }

    @Test
    void sqlAggregateRefusesNullElementsAndTakesProbabilities() {
        SparkSession spark = SharedSpark.get();
        Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT xent_agg(l, t) FROM VALUES "
                + "(array(1.0D, NULL, 0D, 0D), 1L) AS v(l, t)").collectAsList());
        assertNotNull(Evaluation.findInvalidRow(e), String.valueOf(e));
        Row soft = spark.sql("SELECT xent_agg_probs(l, p).mean FROM VALUES "
                + "(array(1.0D, 2.0D, 0D, 0D), array(0.25D, 0.25D, 0.5D, 0D)) AS v(l, p)").first();
        double[] logits = {1, 2, 0, 0};
        double expected = new CrossEntropy(OPTIONS, 4).loss(logits, new double[] {0.25, 0.25, 0.5, 0});
        assertEquals(expected, soft.getDouble(0), 0.0);
    }

    @Test
    void logSoftmaxFunction() {
        Row r = SharedSpark.get().sql("SELECT xent_log_softmax(array(1.5D, 2.0D, 0.5D))").first();
        List<Double> lsm = r.getList(0);
        double[] expected = LogSoftmax.of(new double[] {1.5, 2.0, 0.5});
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], lsm.get(i), 0.0);
        }
        assertTrue(SharedSpark.get().sql("SELECT xent_log_softmax(CAST(NULL AS array<double>))").first().isNullAt(0));
    }
}
