package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogSoftmax;
import dev.xent.core.LossState;
import dev.xent.testing.Frames;
import dev.xent.testing.SharedSpark;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/** The function catalog {@code xent.*}: the same bits as the kernel, {@code xent_loss} and {@link Evaluation}. */
class XentCatalogTest {
    static double[][] x;
    static long[] y;
    static double[][] p;

    @BeforeAll
    static void data() {
        SparkSession spark = SharedSpark.get();
        spark.conf().set("spark.sql.catalog.xent", XentCatalog.class.getName());
        Random r = new Random(13);
        x = new double[80][5];
        y = new long[80];
        p = new double[80][5];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (int j = 0; j < 5; j++) {
                x[i][j] = (float) (r.nextGaussian() * 3);
                p[i][j] = r.nextDouble();
                s += p[i][j];
            }
            for (int j = 0; j < 5; j++) {
                p[i][j] /= s;
            }
            y[i] = i % 7 == 0 ? 3 : r.nextInt(5);
        }
        Frames.withClassTargets(x, y, Frames.Logits.FLOAT_ARRAY, DataTypes.IntegerType).repartition(3)
                .createOrReplaceTempView("cat_float");
        Frames.withClassTargets(x, y, Frames.Logits.DOUBLE_ARRAY, DataTypes.LongType)
                .createOrReplaceTempView("cat_double");
        Frames.withProbabilityTargets(x, p, Frames.Logits.FLOAT_ARRAY).createOrReplaceTempView("cat_soft");
        spark.sql("SELECT id, logits, assert_true(target IS NOT NULL) AS t, cast(coalesce(target, 0) AS bigint) AS "
                + "target FROM cat_float").drop("t").createOrReplaceTempView("cat_not_null");
    }

    private static List<Row> rows(String sql) {
        return SharedSpark.get().sql(sql).collectAsList();
    }

    private static void assertSameBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                what + ": expected " + expected + " got " + actual);
    }

    @Test
    void perRowLossHasTheKernelsBitsWithAndWithoutOptions() {
        CrossEntropyOptions options = CrossEntropyOptions.builder().ignoreIndex(3).labelSmoothing(0.1)
                .weight(1, 2, 0.5, 1, 3).build();
        CrossEntropy plain = new CrossEntropy(CrossEntropyOptions.defaults(), 5);
        CrossEntropy withOptions = new CrossEntropy(options, 5);
        for (String table : List.of("cat_float", "cat_double")) {
            List<Row> out = rows("SELECT id, xent.loss(logits, target), xent.system.loss(logits, target, "
                    + "map('ignore_index', '3', 'label_smoothing', '0.1', 'weight', '1,2,0.5,1,3')) FROM " + table
                    + " ORDER BY id");
            for (int i = 0; i < x.length; i++) {
                assertSameBits(plain.loss(x[i], y[i]), out.get(i).getDouble(1), table + " row " + i);
                assertSameBits(withOptions.loss(x[i], y[i]), out.get(i).getDouble(2), table + " row " + i);
            }
        }
    }

    @Test
    void perRowLossEqualsTheOldUdf() {
        XentFunctions.register(SharedSpark.get(), CrossEntropyOptions.defaults());
        for (Row r : rows("SELECT xent.loss(logits, target), xent_loss(logits, target) FROM cat_float")) {
            assertSameBits(r.getDouble(1), r.getDouble(0), "xent_loss");
        }
    }

    @Test
    void probabilityTargets() {
        CrossEntropy kernel = new CrossEntropy(CrossEntropyOptions.builder().labelSmoothing(0.2).build(), 5);
        List<Row> out = rows("SELECT id, xent.loss(logits, target, map('label_smoothing', '0.2')) FROM cat_soft "
                + "ORDER BY id");
        for (int i = 0; i < x.length; i++) {
            float[] f = new float[5];
            for (int j = 0; j < 5; j++) {
                f[j] = (float) x[i][j];
            }
            assertSameBits(kernel.loss(f, p[i]), out.get(i).getDouble(1), "row " + i);
        }
    }

    @Test
    void aggregateHasEvaluationsBitsAndCounts() {
        SparkSession spark = SharedSpark.get();
        for (String table : List.of("cat_float", "cat_not_null", "cat_double", "cat_soft")) {
            LossState expected = Evaluation.of(spark.table(table)).run().total();
            Row r = rows("SELECT a.* FROM (SELECT xent.agg(logits, target) AS a FROM " + table + ")").get(0);
            assertSameBits(expected.mean(), r.getDouble(0), table + " mean");
            assertSameBits(expected.sum(), r.getDouble(1), table + " sum");
            assertSameBits(expected.weightSum(), r.getDouble(2), table + " weight_sum");
            assertSameBits(expected.standardError(), r.getDouble(3), table + " standard_error");
            assertEquals(expected.rows(), r.getLong(4));
            assertEquals(expected.scored(), r.getLong(5));
            assertEquals(expected.ignored(), r.getLong(6));
            assertEquals(expected.nonFinite(), r.getLong(7));
            assertEquals(expected.nonFiniteInputs(), r.getLong(8));
        }
    }

    @Test
    void aggregateWithOptionsAndGroups() {
        CrossEntropyOptions options = CrossEntropyOptions.builder().ignoreIndex(3).labelSmoothing(0.1).build();
        List<Row> groups = rows("SELECT id % 2, xent.agg(logits, target, map('ignore_index', '3', "
                + "'label_smoothing', '0.1')).mean FROM cat_float GROUP BY id % 2 ORDER BY 1");
        for (int g = 0; g < 2; g++) {
            LossState s = LossState.of(options, LossState.Targets.CLASS_INDEX);
            CrossEntropy kernel = new CrossEntropy(options, 5);
            for (int i = g; i < x.length; i += 2) {
                float[] f = new float[5];
                for (int j = 0; j < 5; j++) {
                    f[j] = (float) x[i][j];
                }
                kernel.add(s, f, y[i]);
            }
            assertSameBits(s.mean(), groups.get(g).getDouble(1), "group " + g);
        }
    }

    @Test
    void logSoftmaxAndSequenceLoss() {
        List<Row> out = rows("SELECT id, xent.log_softmax(logits) FROM cat_double ORDER BY id");
        for (int i = 0; i < x.length; i++) {
            List<Double> got = out.get(i).getList(1);
            double[] expected = LogSoftmax.of(x[i]);
            for (int j = 0; j < 5; j++) {
                assertSameBits(expected[j], got.get(j), "row " + i);
            }
        }
        CrossEntropy kernel = new CrossEntropy(CrossEntropyOptions.builder().ignoreIndex(1).build(), 2);
        List<Double> tokens = rows("SELECT xent.sequence_loss(array(array(1.0D, 2.0D), array(0.5D, -1.0D), "
                + "array(3.0D, 0.0D)), array(0, 1, 0), map('ignore_index', '1'))").get(0).getList(0);
        assertSameBits(kernel.loss(new double[] {1, 2}, 0), tokens.get(0), "token 0");
        assertSameBits(0.0, tokens.get(1), "token 1 (ignored)");
        assertSameBits(kernel.loss(new double[] {3, 0}, 0), tokens.get(2), "token 2");
    }

    @Test
    void unknownKeysAndBadValuesAreNamed() {
        Exception unknown = assertThrows(Exception.class,
                () -> rows("SELECT xent.loss(logits, target, map('ignore', '3')) FROM cat_float"));
        assertTrue(messages(unknown).contains("xent option 'ignore' is unknown"), messages(unknown));
        Exception bad = assertThrows(Exception.class,
                () -> rows("SELECT xent.agg(logits, target, map('label_smoothing', 'lots')) FROM cat_float"));
        assertTrue(messages(bad).contains("xent option 'label_smoothing': 'lots' is not a number"), messages(bad));
        Exception range = assertThrows(Exception.class,
                () -> rows("SELECT xent.loss(logits, target, map('label_smoothing', '2')) FROM cat_float"));
        assertTrue(messages(range).contains("label_smoothing must be between 0.0 and 1.0"), messages(range));
        Exception type = assertThrows(Exception.class, () -> rows("SELECT xent.loss(logits, 'a') FROM cat_float"));
        assertTrue(messages(type).contains("xent.loss: argument 2 (target) has type string"), messages(type));
    }

    @Test
    void badConstantOptionsFailWhenTheQueryIsPlannedNamingTheKey() {
        SparkSession spark = SharedSpark.get();
        // Rows from a scan, not constants (the optimizer folds a call on constants, running it before our rule).
        String rows = " FROM (SELECT array(CAST(id AS float), 2.0F) AS logits, "
                + "CAST(IF(id = 0, 1, NULL) AS int) AS target FROM range(2))";
        String[][] calls = {
            {"xent.loss(logits, 1, map('ignore', '3'))", "xent option 'ignore' is unknown"},
            {"xent.loss(logits, target, map('ignore_index', 'x'))",
                "xent option 'ignore_index': 'x' is not an integer"},
            {"xent.agg(logits, target, map('label_smoothing', '2'))", "label_smoothing must be between 0.0 and 1.0"},
            {"xent.loss(logits, array(0.5D, 0.5D), map('weight', 'a,b'))", "xent option 'weight'"},
            {"xent.sequence_loss(array(logits), array(1), map('input_kind', 'odds'))", "xent option 'input_kind'"},
        };
        for (String[] call : calls) {
            Dataset<Row> query = spark.sql("SELECT " + call[0] + rows);
            query.queryExecution().analyzed(); // the catalog alone cannot see the map at analysis
            Exception e = assertThrows(AnalysisException.class, () -> query.queryExecution().optimizedPlan(), call[0]);
            assertTrue(e.getMessage().contains(call[1]), call[0] + ": " + e.getMessage());
        }
    }

    @Test
    void invalidRowsFailAsInEveryOtherPath() {
        SparkSession spark = SharedSpark.get();
        spark.sql("SELECT * FROM VALUES (0L, array(1.0F, 2.0F), cast(null AS int)), (1L, array(1.0F, 2.0F), 5), "
                + "(2L, array(1.0F, cast(null AS float)), 0), (3L, array(1.0F, 2.0F, 3.0F), 0), "
                + "(4L, cast(null AS array<float>), 0), (5L, array(1.0F, 2.0F), 1) AS t(id, logits, target)")
                .createOrReplaceTempView("cat_bad");
        Object[][] cases = {{0, InvalidRowException.Reason.NULL_TARGET, "target is null"},
            {1, InvalidRowException.Reason.TARGET_OUT_OF_RANGE, "target 5 is out of bounds"},
            {2, InvalidRowException.Reason.NULL_LOGITS, "null or non-numeric element"},
            {4, InvalidRowException.Reason.NULL_LOGITS, "logits are null"}};
        for (Object[] c : cases) {
            for (String call : List.of("xent.loss(logits, target)", "xent.agg(logits, target)")) {
                String sql = "SELECT " + call + " FROM cat_bad WHERE id IN (" + c[0] + ", 5)";
                Exception e = assertThrows(Exception.class, () -> rows(sql));
                assertEquals(c[1], invalidRow(e).reason(), sql);
                assertTrue(messages(e).contains((String) c[2]), sql + ": " + messages(e));
            }
        }
        Exception ragged = assertThrows(Exception.class,
                () -> rows("SELECT xent.agg(logits, target) FROM cat_bad WHERE id IN (3, 5)"));
        assertEquals(InvalidRowException.Reason.RAGGED_LOGITS, invalidRow(ragged).reason());
    }

    private static InvalidRowException invalidRow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidRowException) {
                return (InvalidRowException) t;
            }
        }
        throw new AssertionError("no InvalidRowException in " + e, e);
    }

    @Test
    void unqualifiedNamesThroughSetPathOnSpark4() {
        SparkSession spark = SharedSpark.get();
        Assumptions.assumeFalse(spark.version().matches("3\\..*|4\\.[01]\\..*"),
                "SET PATH came in Spark 4.2; this is " + spark.version());
        spark.conf().set("spark.sql.path.enabled", "true");
        try {
            spark.sql("SET PATH = DEFAULT_PATH, xent.system");
            for (Row r : rows("SELECT loss(logits, target), xent.loss(logits, target) FROM cat_float")) {
                assertSameBits(r.getDouble(1), r.getDouble(0), "loss through the path");
            }
            Row r = rows("SELECT agg(logits, target).mean, xent.agg(logits, target).mean FROM cat_float").get(0);
            assertSameBits(r.getDouble(1), r.getDouble(0), "agg through the path");
        } finally {
            spark.sql("SET PATH = DEFAULT_PATH");
            spark.conf().unset("spark.sql.path.enabled");
        }
    }

    @Test
    void theScalarFunctionRunsInsideWholeStageCodegen() {
        SparkSession spark = SharedSpark.get();
        spark.conf().set("spark.sql.adaptive.enabled", "false"); // the plan without query stages
        SparkPlan plan;
        try {
            Dataset<Row> df = spark.sql("SELECT sum(xent.loss(logits, target)) FROM cat_not_null");
            df.collectAsList();
            plan = df.queryExecution().executedPlan();
        } finally {
            spark.conf().unset("spark.sql.adaptive.enabled");
        }
        boolean inside = false;
        for (SparkPlan node : JavaConverters.seqAsJavaList(plan.collectWithSubqueries(
                new scala.runtime.AbstractPartialFunction<SparkPlan, SparkPlan>() {
                    @Override
                    public boolean isDefinedAt(SparkPlan n) {
                        return n instanceof WholeStageCodegenExec;
                    }

                    @Override
                    public SparkPlan apply(SparkPlan n) {
                        return n;
                    }
                }))) {
            inside |= ((WholeStageCodegenExec) node).child().treeString().contains(IndexLoss.class.getName()
                    + "@");
        }
        assertTrue(inside, "no whole-stage-codegen stage holds IndexLoss.invoke:\n" + plan.treeString());
    }

    private static String messages(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            s.append(t.getMessage()).append(" | ");
        }
        return s.toString();
    }
}
