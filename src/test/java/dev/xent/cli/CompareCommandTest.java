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
 * {@code xent compare} on Parquet files of the golden comparison case (see
 * {@code src/test/resources/compare/generate.py}): unmatched keys and invalid rows fail with their counts and
 * first keys and write nothing unless dropped or quarantined; comparison.json then holds torch's numbers.
 */
class CompareCommandTest {
    @TempDir
    static Path tmp;
    static Path baseline;
    static Path candidate;
    static JsonNode golden;

    @BeforeAll
    static void write() throws Exception {
        try (InputStream in = CompareCommandTest.class.getResourceAsStream("/compare/cases.json")) {
            golden = new ObjectMapper().readTree(in).get(0);
        }
        baseline = tmp.resolve("baseline.parquet");
        candidate = tmp.resolve("candidate.parquet");
        frame(golden.get("baseline"), true).write().parquet(baseline.toString());
        frame(golden.get("candidate"), false).write().parquet(candidate.toString());
    }

    static Dataset<Row> frame(JsonNode rows, boolean withGroup) {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("target", DataTypes.LongType)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType));
        if (withGroup) {
            schema = schema.add("group", DataTypes.StringType);
        }
        List<Row> out = new ArrayList<>();
        for (JsonNode r : rows) {
            List<Float> logits = new ArrayList<>();
            r.get("logits").forEach(v -> logits.add((float) v.asDouble()));
            Object[] f = withGroup ? new Object[] {r.get("id").asLong(), r.get("target").asLong(), logits,
                r.get("group").asText()} : new Object[] {r.get("id").asLong(), r.get("target").asLong(), logits};
            out.add(RowFactory.create(f));
        }
        return SharedSpark.get().createDataFrame(out, schema);
    }

    private static List<String> args(String... more) {
        List<String> a = new ArrayList<>(List.of("compare", "--baseline", baseline.toString(), "--candidate",
                candidate.toString(), "--join-on", "id", "--weight", "1,2,0.5,1.5,0.25", "--label-smoothing", "0.1",
                "--group-by", "group"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void unmatchedKeysFailNamingCountsAndFirstKeysAndWriteNothing() {
        Path out = tmp.resolve("unmatched");
        CliRun run = CliRun.of(args("--output", out.toString()).toArray(new String[0]));
        assertEquals(ExitCode.JOB_FAILED, run.exitCode, run.toString());
        assertTrue(run.err.contains("4 keys only in the baseline (id=0, id=1, id=2, id=3)"), run.err);
        assertTrue(run.err.contains("6 keys only in the candidate"), run.err);
        assertTrue(run.err.contains("1 key duplicated in the baseline (id=20)"), run.err);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void anInvalidRowFailsUnlessQuarantined() {
        CliRun failed = CliRun.of(args("--on-unmatched", "drop").toArray(new String[0]));
        assertEquals(ExitCode.JOB_FAILED, failed.exitCode, failed.toString());
        assertTrue(failed.err.contains("id=40: targets differ: baseline "), failed.err);
    }

    @Test
    void droppedAndQuarantinedItWritesComparisonJsonWithTheCounts() throws Exception {
        Path out = tmp.resolve("compared");
        CliRun run = CliRun.of(args("--on-unmatched", "drop", "--on-invalid", "quarantine", "--bootstrap", "20",
                "--report", "--output", out.toString()).toArray(new String[0]));
        assertEquals(ExitCode.OK, run.exitCode, run.toString());
        JsonNode json = new ObjectMapper().readTree(out.resolve("comparison.json").toFile());
        assertEquals(new ObjectMapper().readTree(run.out), json, "printed and written alike");
        JsonNode counts = golden.get("expected").get("counts");
        assertEquals(counts.get("only_in_baseline").asLong(), json.get("unmatched").get("only_in_baseline").asLong());
        assertEquals(counts.get("duplicate_keys_candidate").asLong(),
                json.get("unmatched").get("duplicate_keys_candidate").asLong());
        assertEquals(counts.get("rejected").asLong(), json.get("rejected").asLong());
        assertEquals(counts.get("ignored").asLong(), json.get("ignored").asLong());
        JsonNode total = golden.get("expected").get("total");
        assertEquals(total.get("rows").asLong(), json.get("rows_compared").asLong());
        assertEquals(3, json.get("groups").size());
        assertEquals(20, json.get("bootstrap").get("replicates").asInt());
        // float32 logits here: the numbers are torch's on the rounded inputs, near the float64 golden values
        assertEquals(total.get("difference").asDouble(), json.get("difference").asDouble(), 1e-6);
        assertEquals(total.get("standard_error").asDouble(), json.get("standard_error").asDouble(), 1e-6);
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(3, html.split("<svg").length - 1, "forest plot, difference histogram, 2-D histogram");
        assertEquals(4, html.split("<circle").length - 1, "one point per group and the total, none per row");
        assertTrue(html.contains("group=b"), "groups named");
    }

    @Test
    void aConfigFileGivesTheOptionsDefaults() throws Exception {
        Path config = tmp.resolve("compare.properties");
        Files.writeString(config, "on-unmatched=drop\non-invalid=quarantine\n");
        CliRun run = CliRun.of(args("--config", config.toString()).toArray(new String[0]));
        assertEquals(ExitCode.OK, run.exitCode, run.toString());
        assertEquals(golden.get("expected").get("total").get("rows").asLong(),
                new ObjectMapper().readTree(run.out).get("rows_compared").asLong());
    }

    @Test
    void oneDatasetFormComparesTwoColumns() throws Exception {
        Path both = tmp.resolve("both.parquet");
        SharedSpark.get().read().parquet(baseline.toString()).dropDuplicates("id")
                .withColumn("same", org.apache.spark.sql.functions.col("logits")).write().parquet(both.toString());
        CliRun run = CliRun.of("compare", "--input", both.toString(), "--baseline-logits-col", "logits",
                "--candidate-logits-col", "same");
        assertEquals(ExitCode.OK, run.exitCode, run.toString());
        JsonNode json = new ObjectMapper().readTree(run.out);
        assertEquals(0.0, json.get("difference").asDouble());
        assertEquals(json.get("rows_compared").asLong(), json.get("ties").asLong());
        CliRun missing = CliRun.of("compare", "--input", both.toString(), "--baseline-logits-col", "logits");
        assertEquals(ExitCode.BAD_INPUT, missing.exitCode, missing.toString());
    }
}
