package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.ComparisonResult;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.PairedComparison;
import dev.xent.core.PoissonBootstrap;
import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeLike;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The comparison through Spark against the golden cases computed with PyTorch and numpy
 * ({@code src/test/resources/compare/generate.py}): the means and difference within 1e-12 relative, the standard
 * error, interval, z and p within 1e-9, the counts exactly; the same bytes for 1, 7 and 64 partitions, with and
 * without bootstrap; and no logits in any shuffle.
 */
class ComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode cases() {
        try (InputStream in = ComparisonTest.class.getResourceAsStream("/compare/cases.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Dataset<Row> frame(JsonNode rows, boolean withGroup) {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("target", DataTypes.LongType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType));
        if (withGroup) {
            schema = schema.add("group", DataTypes.StringType);
        }
        List<Row> out = new ArrayList<>();
        for (JsonNode r : rows) {
            List<Double> logits = new ArrayList<>();
            r.get("logits").forEach(v -> logits.add(v.asDouble()));
            out.add(withGroup ? RowFactory.create(r.get("id").asLong(), r.get("target").asLong(), logits,
                    r.get("group").asText()) : RowFactory.create(r.get("id").asLong(), r.get("target").asLong(), logits));
        }
        return SharedSpark.get().createDataFrame(out, schema);
    }

    /** Language-model rows: {@code array<array<double>>} logits, {@code array<bigint>} targets. */
    static Dataset<Row> sequenceFrame(JsonNode rows) {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("target", DataTypes.createArrayType(DataTypes.LongType))
                .add("logits", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        List<Row> out = new ArrayList<>();
        for (JsonNode r : rows) {
            List<Long> targets = new ArrayList<>();
            r.get("target").forEach(v -> targets.add(v.asLong()));
            List<List<Double>> tokens = new ArrayList<>();
            for (JsonNode token : r.get("logits")) {
                List<Double> logits = new ArrayList<>();
                token.forEach(v -> logits.add(v.asDouble()));
                tokens.add(logits);
            }
            out.add(RowFactory.create(r.get("id").asLong(), targets, tokens));
        }
        return SharedSpark.get().createDataFrame(out, schema);
    }

    /** Target-log-probs rows: {@code array<double>} log-probabilities and weights, {@code array<boolean>} mask. */
    static Dataset<Row> targetLogProbFrame(JsonNode rows) {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("logp", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("mask", DataTypes.createArrayType(DataTypes.BooleanType))
                .add("w", DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> out = new ArrayList<>();
        for (JsonNode r : rows) {
            List<Double> logp = new ArrayList<>();
            r.get("logp").forEach(v -> logp.add(v.asDouble()));
            List<Boolean> mask = new ArrayList<>();
            r.get("mask").forEach(v -> mask.add(v.asBoolean()));
            List<Double> w = new ArrayList<>();
            r.get("w").forEach(v -> w.add(v.asDouble()));
            out.add(RowFactory.create(r.get("id").asLong(), logp, mask, w));
        }
        return SharedSpark.get().createDataFrame(out, schema);
    }

    static CrossEntropyOptions options(JsonNode c) {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder().ignoreIndex(c.get("ignore_index").asLong())
                .labelSmoothing(c.get("label_smoothing").asDouble());
        if (!c.get("weight").isNull()) {
            double[] w = new double[c.get("weight").size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = c.get("weight").get(i).asDouble();
            }
            b.weight(w);
        }
        return b.build();
    }

    static Comparison comparison(JsonNode c, int partitions, PoissonBootstrap bootstrap) {
        boolean groups = c.get("expected").has("groups");
        if (c.has("target_log_probs")) {
            CrossEntropyOptions options = CrossEntropyOptions.builder().inputKind(InputKind.TARGET_LOG_PROBABILITIES)
                    .build();
            return Comparison.of(targetLogProbFrame(c.get("baseline")), targetLogProbFrame(c.get("candidate")),
                    List.of("id")).baselineLogitsColumn("logp").candidateLogitsColumn("logp")
                    .tokenColumns("mask", "w").options(options).partitions(partitions).bootstrap(bootstrap);
        }
        if (c.has("sequences")) {
            return Comparison.of(sequenceFrame(c.get("baseline")), sequenceFrame(c.get("candidate")), List.of("id"))
                    .options(options(c)).partitions(partitions).bootstrap(bootstrap);
        }
        return Comparison.of(frame(c.get("baseline"), groups), frame(c.get("candidate"), false), List.of("id"))
                .options(options(c)).groupBy(groups ? List.of("group") : List.of()).partitions(partitions)
                .bootstrap(bootstrap);
    }

    @TestFactory
    Stream<DynamicTest> matchesTorchAndNumpyAndIsBitIdenticalForAnyPartitioning() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                ComparisonResult one = comparison(c, 1, null).run();
                JsonNode expected = c.get("expected");
                check(c.get("name").asText(), expected.get("total"), one.total());
                expected.get("counts").fields().forEachRemaining(e ->
                        assertEquals(e.getValue().asLong(), one.count(e.getKey()), e.getKey()));
                if (expected.has("groups")) {
                    assertEquals(expected.get("groups").size(), one.groups().size());
                    for (int g = 0; g < one.groups().size(); g++) {
                        JsonNode eg = expected.get("groups").get(g);
                        assertEquals(eg.get("group").asText(), one.groups().get(g).key().get("group"));
                        check("group " + g, eg, one.groups().get(g).comparison());
                    }
                }
                if (c.has("target_log_probs")) {
                    assertEquals(List.of("id=20: scored tokens differ: the two rows differ in length, mask, token "
                            + "weights or targets"), one.examples("rejected"));
                    assertEquals(List.of("id=10"), one.examples("duplicate_keys_baseline"));
                }
                if (c.has("sequences") || c.has("target_log_probs")) {
                    assertTrue(one.sequences());
                    close("baseline perplexity", expected.get("total").get("baseline_perplexity").asDouble(),
                            Math.exp(one.total().baselineMean()), 1e-12);
                    close("candidate perplexity", expected.get("total").get("candidate_perplexity").asDouble(),
                            Math.exp(one.total().candidateMean()), 1e-12);
                } else {
                    assertTrue(one.examples("rejected").get(0).startsWith("id=40: targets differ: baseline "),
                            one.examples("rejected").toString());
                    assertEquals(List.of("id=0", "id=1", "id=2", "id=3"), one.examples("only_in_baseline"));
                }
                for (int partitions : new int[] {7, 64}) {
                    ComparisonResult other = comparison(c, partitions, null).run();
                    assertArrayEquals(one.total().toBytes(), other.total().toBytes(), partitions + " partitions");
                    for (int g = 0; g < one.groups().size(); g++) {
                        assertArrayEquals(one.groups().get(g).comparison().toBytes(),
                                other.groups().get(g).comparison().toBytes(), partitions + " partitions, group " + g);
                    }
                    assertEquals(one.counts(), other.counts());
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void bootstrapIntervalIsBitIdenticalForAnyPartitioning() {
        JsonNode c = cases().get(0);
        PoissonBootstrap bootstrap = new PoissonBootstrap(50, 3);
        PairedComparison one = comparison(c, 1, bootstrap).run().total();
        PairedComparison many = comparison(c, 7, bootstrap).run().total();
        assertArrayEquals(one.toBytes(), many.toBytes());
        double[] ci = one.bootstrapCi95();
        assertTrue(ci[0] < one.difference() && one.difference() < ci[1], java.util.Arrays.toString(ci));
    }

    @Test
    void oneDatasetOfTargetLogProbsComparesItsTwoColumnsWithTheSharedMaskAndWeights() {
        JsonNode c = null;
        for (JsonNode x : cases()) {
            c = x.has("target_log_probs") ? x : c;
        }
        Dataset<Row> both = targetLogProbFrame(c.get("baseline")).withColumn("same",
                org.apache.spark.sql.functions.col("logp"));
        ComparisonResult r = Comparison.of(both, List.of("id")).baselineLogitsColumn("logp")
                .candidateLogitsColumn("same").tokenColumns("mask", "w")
                .options(CrossEntropyOptions.builder().inputKind(InputKind.TARGET_LOG_PROBABILITIES).build()).run();
        PairedComparison p = r.total();
        assertTrue(p.rows() > 0);
        assertEquals(p.rows(), p.ties());
        assertEquals(0.0, p.difference());
        assertEquals(0, r.count("rejected"));
        assertEquals(c.get("baseline").size(), p.rows() + r.count("ignored"), "every document compared or ignored");
    }

    @Test
    void aKeyWithANullMatchesNothingAndEachSideCountsItsOwnRows() {
        StructType schema = new StructType().add("a", DataTypes.LongType).add("b", DataTypes.StringType)
                .add("target", DataTypes.LongType).add("logits", DataTypes.createArrayType(DataTypes.DoubleType));
        List<Double> logits = List.of(0.5, -1.0, 2.0);
        Dataset<Row> baseline = SharedSpark.get().createDataFrame(List.of(RowFactory.create(null, "x", 0L, logits),
                RowFactory.create(null, "x", 1L, logits), RowFactory.create(1L, null, 0L, logits),
                RowFactory.create(1L, "x", 2L, logits), RowFactory.create(2L, "x", 2L, logits),
                RowFactory.create(2L, "x", 2L, logits), RowFactory.create(3L, "y", 1L, logits)), schema);
        Dataset<Row> candidate = SharedSpark.get().createDataFrame(List.of(RowFactory.create(null, "x", 0L, logits),
                RowFactory.create(1L, null, 0L, logits), RowFactory.create(1L, null, 0L, logits),
                RowFactory.create(1L, "x", 2L, logits), RowFactory.create(2L, "x", 2L, logits),
                RowFactory.create(4L, "z", 0L, logits)), schema);
        for (int partitions : new int[] {1, 3}) {
            ComparisonResult r = Comparison.of(baseline, candidate, List.of("a", "b")).partitions(partitions).run();
            assertEquals(1, r.total().rows(), "only a=1, b=x is compared");
            assertEquals(3, r.count("only_in_baseline"));
            assertEquals(List.of("a=1, b=null", "a=3, b=y", "a=null, b=x"), r.examples("only_in_baseline"));
            assertEquals(3, r.count("only_in_candidate"));
            assertEquals(List.of("a=1, b=null", "a=4, b=z", "a=null, b=x"), r.examples("only_in_candidate"));
            assertEquals(2, r.count("duplicate_keys_baseline"));
            assertEquals(List.of("a=2, b=x", "a=null, b=x"), r.examples("duplicate_keys_baseline"));
            assertEquals(1, r.count("duplicate_keys_candidate"));
            assertEquals(List.of("a=1, b=null"), r.examples("duplicate_keys_candidate"));
        }
    }

    @Test
    void floatingKeysMatchAsSparkSqlComparesThem() { // -0.0 = 0.0 and NaN = NaN, as in a Spark SQL join
        List<Double> logits = List.of(0.5, -1.0, 2.0);
        for (boolean single : new boolean[] {false, true}) {
            StructType schema = new StructType().add("k", single ? DataTypes.FloatType : DataTypes.DoubleType)
                    .add("target", DataTypes.LongType).add("logits", DataTypes.createArrayType(DataTypes.DoubleType));
            Object negativeZero = single ? (Object) (-0.0f) : (Object) (-0.0);
            Object zero = single ? (Object) 0.0f : (Object) 0.0;
            Object nan = single ? (Object) Float.NaN : (Object) Double.NaN;
            Object one = single ? (Object) 1.0f : (Object) 1.0;
            Dataset<Row> baseline = SharedSpark.get().createDataFrame(List.of(
                    RowFactory.create(negativeZero, 0L, logits), RowFactory.create(nan, 1L, logits),
                    RowFactory.create(one, 2L, logits)), schema);
            Dataset<Row> candidate = SharedSpark.get().createDataFrame(List.of(
                    RowFactory.create(zero, 0L, logits), RowFactory.create(nan, 1L, logits),
                    RowFactory.create(one, 2L, logits)), schema);
            for (int partitions : new int[] {1, 3}) {
                ComparisonResult r = Comparison.of(baseline, candidate, List.of("k")).partitions(partitions).run();
                String what = (single ? "float" : "double") + " keys, " + partitions + " partitions";
                assertEquals(3, r.total().rows(), what + ": -0.0 meets 0.0, NaN meets NaN, 1 meets 1");
                assertEquals(0, r.count("only_in_baseline"), what);
                assertEquals(0, r.count("only_in_candidate"), what);
                assertEquals(0, r.count("duplicate_keys_baseline"), what);
            }
        }
    }

    @Test
    void noShuffleCarriesTheLogits() {
        JsonNode c = cases().get(0);
        Dataset<Row> paired = comparison(c, 3, null).pairedRows();
        paired.count(); // adaptive execution settles the final plan when it runs
        SparkPlan plan = paired.queryExecution().executedPlan();
        List<SparkPlan> exchanges = new ArrayList<>();
        collectExchanges(plan, exchanges);
        assertEquals(1, exchanges.size(), "one shuffle, both sides' scored rows by key: " + plan);
        for (SparkPlan e : exchanges) {
            for (Attribute a : scala.jdk.javaapi.CollectionConverters.asJava(e.output())) {
                assertFalse(a.name().toLowerCase().contains("logits"), "the exchange carries " + a + ": " + e);
                assertFalse(a.dataType() instanceof ArrayType, "the exchange carries an array " + a + ": " + e);
            }
        }
    }

    private static void collectExchanges(SparkPlan plan, List<SparkPlan> out) {
        if (plan instanceof ShuffleExchangeLike) {
            out.add(plan);
        }
        if (plan instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) {
            collectExchanges(((org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec) plan).executedPlan(), out);
        }
        if (plan instanceof org.apache.spark.sql.execution.adaptive.QueryStageExec) {
            collectExchanges(((org.apache.spark.sql.execution.adaptive.QueryStageExec) plan).plan(), out);
        }
        for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
            collectExchanges(child, out);
        }
    }

    static void check(String what, JsonNode e, PairedComparison p) {
        assertEquals(e.get("rows").asLong(), p.rows(), what + " rows");
        assertEquals(e.get("wins").asLong(), p.wins(), what + " wins");
        assertEquals(e.get("ties").asLong(), p.ties(), what + " ties");
        assertEquals(e.get("losses").asLong(), p.losses(), what + " losses");
        close(what + " weight_sum", e.get("weight_sum").asDouble(), p.weightSum(), 1e-12);
        close(what + " baseline_mean", e.get("baseline_mean").asDouble(), p.baselineMean(), 1e-12);
        close(what + " candidate_mean", e.get("candidate_mean").asDouble(), p.candidateMean(), 1e-12);
        close(what + " baseline_sum", e.get("baseline_sum").asDouble(), p.baselineSum(), 1e-12);
        close(what + " candidate_sum", e.get("candidate_sum").asDouble(), p.candidateSum(), 1e-12);
        close(what + " difference", e.get("difference").asDouble(), p.difference(), 1e-12);
        close(what + " standard_error", e.get("standard_error").asDouble(), p.standardError(), 1e-9);
        close(what + " z", e.get("z").asDouble(), p.z(), 1e-9);
        close(what + " p_value", e.get("p_value").asDouble(), p.pValue(), 1e-9);
        close(what + " ci95 low", e.get("ci95").get(0).asDouble(), p.ci95()[0], 1e-9);
        close(what + " ci95 high", e.get("ci95").get(1).asDouble(), p.ci95()[1], 1e-9);
    }

    static void close(String what, double expected, double actual, double relative) {
        assertTrue(Math.abs(expected - actual) <= relative * Math.abs(expected),
                what + ": expected " + expected + " got " + actual);
    }
}
