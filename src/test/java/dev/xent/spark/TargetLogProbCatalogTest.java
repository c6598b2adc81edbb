package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.LossState;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TargetLogProbCases;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code xent.agg(logp [, mask] [, options])}, input kind target-log-probs in SQL: the same bits as
 * {@link Evaluation} (what {@code bin/xent evaluate --input-kind target-log-probs} runs) on the committed sample,
 * torch's figures on a golden case, one token per row, the session's input kind, and the refusals naming the key.
 */
class TargetLogProbCatalogTest {
    private static final String KIND = "map('input_kind', 'target-log-probs')";

    @BeforeAll
    static void catalog() {
        SparkSession spark = SharedSpark.get();
        spark.conf().set("spark.sql.catalog.xent", XentCatalog.class.getName());
        spark.read().json("data/lm/logprobs.jsonl").repartition(3).createOrReplaceTempView("tlp_sample");
    }

    private static Row agg(String call, String table) {
        return SharedSpark.get().sql("SELECT " + call + " AS r FROM " + table).first().getStruct(0);
    }

    private static void assertSameState(LossState expected, Row actual, String what) {
        assertSameBits(expected.mean(), actual.getDouble(0), what + " mean");
        assertSameBits(expected.sum(), actual.getDouble(1), what + " sum");
        assertSameBits(expected.weightSum(), actual.getDouble(2), what + " weight_sum");
        assertSameBits(expected.standardError(), actual.getDouble(3), what + " standard_error");
        assertEquals(expected.rows(), actual.getLong(4), what + " rows");
        assertEquals(expected.scored(), actual.getLong(5), what + " scored");
        assertEquals(expected.ignored(), actual.getLong(6), what + " ignored");
        assertEquals(expected.nonFinite(), actual.getLong(7), what + " non_finite");
        assertEquals(expected.nonFiniteInputs(), actual.getLong(8), what + " non_finite_inputs");
    }

    private static void assertSameBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                what + ": expected " + expected + " got " + actual);
    }

    private static LossState evaluate(Dataset<Row> df, String mask) {
        return Evaluation.of(df).logitsColumn("logp").tokenColumns(mask, null)
                .options(CrossEntropyOptions.builder().inputKind(InputKind.TARGET_LOG_PROBABILITIES).build())
                .run().total();
    }

    @Test
    void theSampleHasTheEvaluationsBits() {
        Dataset<Row> sample = SharedSpark.get().table("tlp_sample");
        LossState masked = evaluate(sample, "mask");
        assertSameState(masked, agg("xent.agg(logp, mask, " + KIND + ")", "tlp_sample"), "masked");
        assertSameState(masked, agg("xent.agg(logp, transform(mask, m -> m = 1), " + KIND + ")", "tlp_sample"),
                "boolean mask");
        assertSameState(masked, agg("xent.agg(logp, transform(mask, m -> cast(m AS int)), " + KIND + ")",
                "tlp_sample"), "int mask");
        assertSameState(evaluate(sample, null), agg("xent.agg(logp, " + KIND + ")", "tlp_sample"), "unmasked");
        assertSameState(evaluate(sample.selectExpr("transform(logp, v -> cast(v AS float)) AS logp"), null),
                agg("xent.agg(transform(logp, v -> cast(v AS float)), " + KIND + ")", "tlp_sample"), "float");
        assertTrue(masked.ignored() > 0, "the sample's mask leaves tokens out");
    }

    /** A golden case without mask or weights, as sequences and as one token per row. */
    @Test
    void aGoldenCaseGivesTorchsMeanAndSum() {
        JsonNode c = TargetLogProbCases.load().get(1);
        assertEquals("ragged-empty", c.get("name").asText());
        List<Row> sequences = new ArrayList<>();
        List<Row> tokens = new ArrayList<>();
        for (JsonNode s : c.get("sequences")) {
            List<Double> lp = new ArrayList<>();
            for (double v : TargetLogProbCases.logp(s)) {
                lp.add(v);
                tokens.add(RowFactory.create(v));
            }
            sequences.add(RowFactory.create(lp));
        }
        SparkSession spark = SharedSpark.get();
        spark.createDataFrame(sequences, new StructType().add("logp",
                DataTypes.createArrayType(DataTypes.DoubleType))).repartition(2).createOrReplaceTempView("tlp_gold");
        spark.createDataFrame(tokens, new StructType().add("logp", DataTypes.DoubleType)).repartition(2)
                .createOrReplaceTempView("tlp_gold_tokens");
        JsonNode x = c.get("exact");
        JsonNode e = c.get("expected");
        for (String table : List.of("tlp_gold", "tlp_gold_tokens")) {
            Row r = agg("xent.agg(logp, " + KIND + ")", table);
            assertSameBits(GoldenCase.number(x.get("mean")), r.getDouble(0), table + " mean");
            assertSameBits(GoldenCase.number(x.get("sum")), r.getDouble(1), table + " sum");
            TorchMatch.check(table + " mean", e.get("mean"), x.get("mean"), r.getDouble(0));
            assertEquals(e.get("scored_tokens").asLong(), r.getLong(5), table + " scored");
        }
        assertEquals(e.get("sequences").asLong(), agg("xent.agg(logp, " + KIND + ")", "tlp_gold").getLong(4));
        assertEquals(tokens.size(), agg("xent.agg(logp, " + KIND + ")", "tlp_gold_tokens").getLong(4));
    }

    @Test
    void theSessionsInputKindServesACallWithoutOptions() {
        Row withMap = agg("xent.agg(logp, mask, " + KIND + ")", "tlp_sample");
        SparkSession spark = SharedSpark.get();
        spark.conf().set("spark.xent.inputKind", "target-log-probs");
        try {
            Row bare = agg("xent.agg(logp, mask)", "tlp_sample");
            for (int i = 0; i < 4; i++) {
                assertSameBits(withMap.getDouble(i), bare.getDouble(i), "field " + i);
            }
            assertEquals(withMap.getLong(5), bare.getLong(5));
        } finally {
            spark.conf().unset("spark.xent.inputKind");
        }
    }

    @Test
    void whatNeedsTheDistributionIsRefusedNamingTheKey() {
        for (String[] call : new String[][] {
            {"map('input_kind', 'target-log-probs', 'label_smoothing', '0.1')", "'label_smoothing'"},
            {"map('input_kind', 'target-log-probs', 'weight', '1,2')", "'weight'"},
            {"map('ignore_index', '3')", "'input_kind'"}}) {
            Exception e = assertThrows(AnalysisException.class, () -> SharedSpark.get()
                    .sql("SELECT xent.agg(logp, " + call[0] + ") FROM tlp_sample").collect());
            assertTrue(e.getMessage().contains(call[1]), e.getMessage());
        }
        Exception bare = assertThrows(AnalysisException.class,
                () -> SharedSpark.get().sql("SELECT xent.agg(logp) FROM tlp_sample").collect());
        assertTrue(bare.getMessage().contains("'input_kind'"), bare.getMessage());
        Exception positive = assertThrows(Exception.class,
                () -> SharedSpark.get().sql("SELECT xent.agg(array(-1.0D, 0.5D), " + KIND + ")").collect());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = positive; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("is positive"), messages.toString());
    }
}
