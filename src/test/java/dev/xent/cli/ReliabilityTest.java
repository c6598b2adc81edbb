package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6: nothing lost on bad rows, the same bits under any partitioning, and malformed input handled. */
class ReliabilityTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static final String MIXED = "{\"id\": 1, \"logits\": [1.0, 2.0, 3.0], \"target\": 0}\n"
            + "{\"id\": 2, \"logits\": [1.0, 2.0, 3.0], \"target\": 9}\n"      // out of range
            + "{\"id\": 3, \"logits\": [1.0, 2.0, 3.0], \"target\": null}\n"   // null target
            + "{\"id\": 4, \"logits\": null, \"target\": 1}\n"                  // null logits
            + "{\"id\": 5, \"logits\": [1.0, 2.0], \"target\": 1}\n"            // ragged
            + "{\"id\": 6, \"logits\": [0.5, 0.5, 3.0], \"target\": -100}\n"   // ignored
            + "{\"id\": 7, \"logits\": [3.0, 2.0, 1.0], \"target\": 2}\n";

    @Test
    void quarantineWritesEveryBadRowWithItsReasonAndAccountsForAllRows() throws Exception {
        Path input = write("mixed.jsonl", MIXED);
        Path out = tmp.resolve("q");
        CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--on-invalid", "quarantine",
                "--output", out.toString(), "--output-format", "json");
        assertEquals(0, run.exitCode, run.toString());
        JsonNode s = JSON.readTree(run.out);
        assertEquals(7, s.get("rows").asLong());
        assertEquals(2, s.get("scored").asLong());
        assertEquals(1, s.get("ignored").asLong());
        assertEquals(4, s.get("rejected").asLong());
        assertTrue(run.err.contains("7 rows = 2 scored + 1 ignored + 4 rejected"), run.err);
        LossState expected = new CrossEntropyLoss(CrossEntropyOptions.defaults())
                .state(new double[][] {{1, 2, 3}, {3, 2, 1}}, new long[] {0, 2});
        assertEquals(expected.mean(), number(s.get("mean")), 0.0);
        List<Row> rejected = SharedSpark.get().read().json(out.resolve("rejected").toString()).orderBy("id")
                .collectAsList();
        assertEquals(4, rejected.size());
        List<String> reasons = new ArrayList<>();
        for (Row r : rejected) {
            reasons.add(r.getLong(r.fieldIndex("id")) + ": " + r.getString(r.fieldIndex("reason")));
        }
        assertEquals(List.of("2: target 9 is out of bounds: expected a class in [0, 3) or the ignore index -100",
                "3: target is null", "4: logits are null", "5: logits have 2 values; expected C = 3"), reasons);
    }

    @Test
    void probabilityRowsOfTheWrongLengthAreQuarantined() throws Exception {
        Path input = write("soft.jsonl", "{\"logits\": [1.0, 2.0], \"target\": [0.5, 0.5]}\n"
                + "{\"logits\": [1.0, 2.0], \"target\": [0.2, 0.3, 0.5]}\n");
        Path out = tmp.resolve("soft-q");
        CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--on-invalid", "quarantine", "--output",
                out.toString());
        assertEquals(0, run.exitCode, run.toString());
        assertEquals(1, JSON.readTree(run.out).get("rejected").asLong());
        Row r = SharedSpark.get().read().parquet(out.resolve("rejected").toString()).first();
        assertTrue(r.getString(r.fieldIndex("reason")).contains("target probabilities have 3 values"));
    }

    @Test
    void maxRejectedStopsTheJobAndWritesNothing() throws Exception {
        Path input = write("mixed2.jsonl", MIXED);
        Path out = tmp.resolve("limited");
        CliRun count = CliRun.of("evaluate", "--input", input.toString(), "--on-invalid", "quarantine",
                "--max-rejected", "3", "--output", out.toString());
        assertEquals(1, count.exitCode, count.toString());
        assertTrue(count.err.contains("more than 3 rows rejected") || count.err.contains("4 rows rejected, more than"
                + " --max-rejected 3"), count.err);
        assertFalse(Files.exists(out.resolve("summary.json")));
        CliRun fraction = CliRun.of("evaluate", "--input", input.toString(), "--on-invalid", "quarantine",
                "--max-rejected", "0.5", "--output", out.toString());
        assertEquals(1, fraction.exitCode, fraction.toString());
        assertTrue(fraction.err.contains("4 of 7 rows rejected, more than --max-rejected 0.5"), fraction.err);
        CliRun enough = CliRun.of("evaluate", "--input", input.toString(), "--on-invalid", "quarantine",
                "--max-rejected", "4", "--output", out.toString());
        assertEquals(0, enough.exitCode, enough.toString());
        CliRun bad = CliRun.of("evaluate", "--input", input.toString(), "--max-rejected", "lots");
        assertEquals(2, bad.exitCode);
        CliRun noOutput = CliRun.of("evaluate", "--input", input.toString(), "--on-invalid", "quarantine");
        assertEquals(2, noOutput.exitCode);
        assertTrue(noOutput.err.contains("give --output DIR"), noOutput.err);
    }

    @Test
    void nonFiniteInputsAreCountedOrRejected() throws Exception {
        Path input = write("nan.jsonl", "{\"logits\": [NaN, 1.0], \"target\": 0}\n"
                + "{\"logits\": [-Infinity, 1.0], \"target\": 1}\n"
                + "{\"logits\": [0.5, 1.0], \"target\": 1}\n");
        JsonNode counted = JSON.readTree(CliRun.of("evaluate", "--input", input.toString()).out);
        assertEquals("NaN", counted.get("mean").asText());
        assertEquals(2, counted.get("non_finite_inputs").asLong());
        assertEquals(1, counted.get("non_finite").asLong());
        Path out = tmp.resolve("nan-q");
        CliRun rejected = CliRun.of("evaluate", "--input", input.toString(), "--reject-nonfinite", "--output",
                out.toString());
        assertEquals(0, rejected.exitCode, rejected.toString());
        JsonNode s = JSON.readTree(rejected.out);
        assertEquals(2, s.get("rejected").asLong());
        double expected = new CrossEntropyLoss(CrossEntropyOptions.defaults())
                .reduce(new double[][] {{0.5, 1.0}}, new long[] {1});
        assertEquals(expected, number(s.get("mean")), 0.0);
        assertEquals(2, SharedSpark.get().read().parquet(out.resolve("rejected").toString()).count());
    }

    @Test
    void summaryIsBitIdenticalFor1And7And64PartitionsShuffledRowsAndAReRun() throws Exception {
        Random r = new Random(99);
        StructType schema = new StructType().add("id", DataTypes.LongType).add("g", DataTypes.StringType)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType)).add("target", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            List<Float> x = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                x.add((float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 1)));
            }
            rows.add(RowFactory.create((long) i, "g" + (i % 5), x, i % 41 == 0 ? -100 : r.nextInt(12)));
        }
        Dataset<Row> df = SharedSpark.get().createDataFrame(rows, schema);
        Path ordered = tmp.resolve("ordered.parquet");
        Path shuffled = tmp.resolve("shuffled.parquet");
        df.repartition(4).write().parquet(ordered.toString());
        df.orderBy(functions.rand(7)).repartition(9).write().parquet(shuffled.toString());
        List<JsonNode> summaries = new ArrayList<>();
        for (Object[] run : new Object[][] {{ordered, "1"}, {ordered, "7"}, {ordered, "64"}, {shuffled, "0"},
                {shuffled, "7"}, {ordered, "7"}}) {
            CliRun c = CliRun.of("evaluate", "--input", run[0].toString(), "--partitions", (String) run[1],
                    "--group-by", "g", "--weight", "1,2,0.5,1,1,3,1,1,0.25,1,1,2", "--label-smoothing", "0.05");
            assertEquals(0, c.exitCode, c.toString());
            ObjectNode s = (ObjectNode) JSON.readTree(c.out);
            ((ObjectNode) s.get("options")).remove("partitions");
            s.remove("input");
            summaries.add(s);
        }
        for (JsonNode s : summaries) {
            assertEquals(summaries.get(0), s);
        }
        assertEquals(5, summaries.get(0).get("groups").size());
    }

    @Test
    void textFromTheDataIsEscapedInTheJson() throws Exception {
        String key = "</script><script>alert(\"x\")</script>\n\t\\ é";
        Dataset<Row> df = SharedSpark.get().createDataFrame(List.of(RowFactory.create(key, List.of(1.0, 2.0), 1L)),
                new StructType().add("g", DataTypes.StringType)
                        .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
                        .add("target", DataTypes.LongType));
        Path input = tmp.resolve("escape.parquet");
        df.write().parquet(input.toString());
        CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--group-by", "g");
        assertEquals(0, run.exitCode, run.toString());
        assertFalse(run.out.contains("\n\t"), "control characters are escaped");
        assertEquals(key, JSON.readTree(run.out).get("groups").get(0).get("key").get("g").asText());
    }

    @Test
    void localRunsBindToLoopbackWithoutTheWebUi() {
        Map<String, String> local = SparkSettings.of(null, null, Map.of());
        assertEquals("local[*]", local.get("spark.master"));
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        assertEquals("127.0.0.1", local.get("spark.driver.host"));
        assertEquals("false", local.get("spark.ui.enabled"));
        assertEquals("false", local.get("spark.hadoop.parquet.hadoop.vectored.io.enabled"), "no off-heap chunks");
        Map<String, String> submitted = SparkSettings.of(null, "spark://cluster:7077", Map.of());
        assertFalse(submitted.containsKey("spark.master"), "spark-submit's master is kept");
        assertFalse(submitted.containsKey("spark.driver.bindAddress"));
        assertFalse(submitted.containsKey("spark.hadoop.parquet.hadoop.vectored.io.enabled"));
        assertEquals("true", SparkSettings.of(null, null, Map.of("spark.ui.enabled", "true")).get("spark.ui.enabled"));
        Map<String, String> cluster = SparkSettings.of("spark://cluster:7077", null, Map.of());
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "--add-modules=jdk.incubator.vector".equals(cluster.get("spark.executor.extraJavaOptions")),
                "executors get the vector module when the driver has it");
        Map<String, String> localCluster = SparkSettings.of("local-cluster[2,1,1024]", null, Map.of());
        assertEquals(cluster.get("spark.executor.extraJavaOptions"),
                localCluster.get("spark.executor.extraJavaOptions"), "local-cluster executors are JVMs of their own");
        assertEquals("127.0.0.1", localCluster.get("spark.driver.bindAddress"));
        assertFalse(SparkSettings.of("local[4]", null, Map.of()).containsKey("spark.executor.extraJavaOptions"));
        assertEquals("-Dx=1", SparkSettings.of("spark://c:7077", null, Map.of("spark.executor.extraJavaOptions",
                "-Dx=1")).get("spark.executor.extraJavaOptions"), "the user's setting wins");
    }
}
