package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.testing.SharedSpark;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xent compare --input-kind target-log-probs} on Parquet files of the golden case "target-log-probs" (see
 * {@code src/test/resources/compare/generate.py}): documents with a mask and token weights, the document the unit;
 * comparison.json holds torch's numbers, and what such rows cannot give is refused before Spark starts, exit 2,
 * nothing written.
 */
class CompareTargetLogProbsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path baseline;
    static Path candidate;
    static JsonNode golden;

    @BeforeAll
    static void write() throws Exception {
        try (InputStream in = CompareTargetLogProbsCommandTest.class.getResourceAsStream("/compare/cases.json")) {
            for (JsonNode c : JSON.readTree(in)) {
                if (c.has("target_log_probs")) {
                    golden = c;
                }
            }
        }
        baseline = tmp.resolve("baseline.parquet");
        candidate = tmp.resolve("candidate.parquet");
        frame(golden.get("baseline")).write().parquet(baseline.toString());
        frame(golden.get("candidate")).write().parquet(candidate.toString());
    }

    /** {@code id}, {@code array<double>} log-probabilities, {@code array<boolean>} mask, {@code array<double>} weights. */
    static Dataset<Row> frame(JsonNode rows) {
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

    private static String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("compare", "--baseline", baseline.toString(), "--candidate",
                candidate.toString(), "--join-on", "id", "--input-kind", "target-log-probs", "--logits-col", "logp",
                "--mask-col", "mask", "--token-weight-col", "w"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    @Test
    void comparesDocumentsAsTorchDoes() throws Exception {
        Path out = tmp.resolve("compared");
        CliRun run = CliRun.of(args("--on-unmatched", "drop", "--on-invalid", "quarantine", "--output",
                out.toString()));
        assertEquals(ExitCode.OK, run.exitCode, run.toString());
        JsonNode json = JSON.readTree(out.resolve("comparison.json").toFile());
        JsonNode total = golden.get("expected").get("total");
        JsonNode counts = golden.get("expected").get("counts");
        assertEquals("sequence", json.get("unit").asText());
        assertEquals(total.get("rows").asLong(), json.get("rows_compared").asLong());
        assertEquals(counts.get("ignored").asLong(), json.get("ignored").asLong());
        assertEquals(counts.get("rejected").asLong(), json.get("rejected").asLong());
        assertEquals(counts.get("duplicate_keys_baseline").asLong(),
                json.get("unmatched").get("duplicate_keys_baseline").asLong());
        assertEquals(counts.get("only_in_candidate").asLong(), json.get("unmatched").get("only_in_candidate").asLong());
        close(total.get("difference").asDouble(), json.get("difference").asDouble(), 1e-12);
        close(total.get("baseline_mean").asDouble(), json.get("baseline").get("mean").asDouble(), 1e-12);
        close(total.get("candidate_perplexity").asDouble(), json.get("candidate").get("perplexity").asDouble(), 1e-12);
        close(total.get("standard_error").asDouble(), json.get("standard_error").asDouble(), 1e-9);
        assertEquals("mask", json.get("inputs").get("mask_col").asText());
    }

    @Test
    void aDocumentWhoseScoredTokensDifferFailsTheRunUnlessQuarantined() {
        Path out = tmp.resolve("failed");
        CliRun run = CliRun.of(args("--on-unmatched", "drop", "--output", out.toString()));
        assertEquals(ExitCode.JOB_FAILED, run.exitCode, run.toString());
        assertTrue(run.err.contains("id=20: scored tokens differ"), run.err);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void whatTargetLogProbsCannotGiveIsRefusedUpFront() {
        String[][] refused = {
            {"--label-smoothing", "0.1", "--label-smoothing: needs each token's whole distribution"},
            {"--weight", "1,2,3", "weight: class weights need each token's target class"},
            {"--logits-encoding", "fp16", "--logits-encoding: applies to binary logits"},
        };
        for (String[] r : refused) {
            Path out = tmp.resolve("refused" + r[0]);
            CliRun run = CliRun.of(args(r[0], r[1], "--output", out.toString()));
            assertEquals(ExitCode.BAD_INPUT, run.exitCode, run.toString());
            assertTrue(run.err.contains(r[2]), run.err);
            assertEquals(1, run.err.strip().lines().count(), "one line: " + run.err);
            assertFalse(Files.exists(out), "nothing written");
        }
        CliRun mask = CliRun.of("compare", "--baseline", baseline.toString(), "--candidate", candidate.toString(),
                "--join-on", "id", "--logits-col", "logp", "--mask-col", "mask");
        assertEquals(ExitCode.BAD_INPUT, mask.exitCode, mask.toString());
        assertTrue(mask.err.contains("--mask-col: applies to --input-kind target-log-probs"), mask.err);
    }

    private static void close(double expected, double actual, double relative) {
        assertTrue(Math.abs(expected - actual) <= relative * Math.abs(expected),
                "expected " + expected + " but got " + actual);
    }
}
