package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.LogSoftmax;
import dev.xent.core.LossState;
import dev.xent.core.golden.TorchMatch;
import dev.xent.spark.ReaderBatch;
import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xent evaluate} end to end, in process: the sample against torch, every input type, every error path. */
class EvaluateCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SAMPLE = "data/digits/logits.jsonl";

    @TempDir
    static Path tmp;
    static Path parquet;

    @BeforeAll
    static void sampleAsParquet() {
        // The sample's logits as array<float> (exactly their float32 values) in Parquet, in 3 files.
        parquet = tmp.resolve("digits.parquet");
        SharedSpark.get().read().json(SAMPLE)
                .selectExpr("id", "split", "CAST(logits AS array<float>) AS logits", "CAST(target AS int) AS target")
                .repartition(3).write().parquet(parquet.toString());
    }

    static JsonNode summary(Path dir) throws IOException {
        return JSON.readTree(Files.readString(dir.resolve("summary.json")));
    }

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    @Test
    void theSampleGivesTorchsNumbers() throws IOException {
        JsonNode expected = JSON.readTree(Files.readString(Path.of("data/digits/expected.json")));
        for (String scenario : List.of("default", "weighted_smoothed")) {
            JsonNode e = expected.get(scenario);
            List<String> args = new ArrayList<>(List.of("evaluate", "--input", SAMPLE, "--group-by", "split",
                    "--output", tmp.resolve("sample-" + scenario).toString()));
            if (e.get("options").hasNonNull("weight")) {
                StringBuilder w = new StringBuilder();
                e.get("options").get("weight").forEach(v -> w.append(w.length() == 0 ? "" : ",").append(v.asText()));
                args.addAll(List.of("--weight", w.toString()));
            }
            args.addAll(List.of("--label-smoothing", e.get("options").get("label_smoothing").asText()));
            CliRun run = CliRun.of(args.toArray(new String[0]));
            assertEquals(0, run.exitCode, run.toString());
            JsonNode s = summary(tmp.resolve("sample-" + scenario));
            assertEquals(s, JSON.readTree(run.out), "stdout and summary.json agree");
            TorchMatch.check("sample " + scenario + " mean", e.get("mean").doubleValue(), number(s.get("mean")));
            TorchMatch.check("sample " + scenario + " sum", e.get("sum").doubleValue(), number(s.get("sum")));
            assertEquals(e.get("rows").asLong(), s.get("rows").asLong());
            assertEquals(e.get("weight_sum").doubleValue(), number(s.get("weight_sum")), 0.0);
            assertEquals(10, s.get("classes").asInt());
            for (int g = 0; g < 2; g++) {
                JsonNode eg = e.get("groups").get(g);
                JsonNode sg = s.get("groups").get(g);
                assertEquals(eg.get("key"), sg.get("key"));
                TorchMatch.check("sample group mean", eg.get("mean").doubleValue(), number(sg.get("mean")));
                TorchMatch.check("sample group sum", eg.get("sum").doubleValue(), number(sg.get("sum")));
                assertEquals(eg.get("rows").asLong(), sg.get("rows").asLong());
            }
            assertTrue(run.err.contains("1797 rows = 1797 scored + 0 ignored + 0 rejected"), run.err);
        }
    }

    @Test
    void inputKindReadsProbabilitiesAndLogProbabilitiesAsTheCoreDoes() throws IOException {
        List<Row> rows = SharedSpark.get().read().json(SAMPLE).orderBy("id").collectAsList();
        double[][] probabilities = new double[rows.size()][];
        double[][] logProbabilities = new double[rows.size()][];
        long[] y = new long[rows.size()];
        for (int i = 0; i < y.length; i++) {
            List<Double> x = rows.get(i).getList(rows.get(i).fieldIndex("logits"));
            logProbabilities[i] = LogSoftmax.of(x.stream().mapToDouble(Double::doubleValue).toArray());
            probabilities[i] = java.util.Arrays.stream(logProbabilities[i]).map(Math::exp).toArray();
            y[i] = rows.get(i).getLong(rows.get(i).fieldIndex("target"));
        }
        Path dir = tmp.resolve("kinds");
        Files.createDirectories(dir);
        Path probs = dir.resolve("probabilities.jsonl");
        Path logProbs = dir.resolve("log_probabilities.jsonl");
        StringBuilder p = new StringBuilder();
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < y.length; i++) {
            p.append(JSON.writeValueAsString(java.util.Map.of("logits", probabilities[i], "target", y[i])))
                    .append('\n');
            l.append(JSON.writeValueAsString(java.util.Map.of("logits", logProbabilities[i], "target", y[i])))
                    .append('\n');
        }
        Files.writeString(probs, p);
        Files.writeString(logProbs, l);
        for (String[] c : new String[][] {{"probabilities", probs.toString()}, {"log-probs", logProbs.toString()}}) {
            CliRun run = CliRun.of("evaluate", "--input", c[1], "--input-kind", c[0]);
            assertEquals(0, run.exitCode, run.toString());
            InputKind kind = InputKind.parse(c[0]);
            double expected = new CrossEntropyLoss(CrossEntropyOptions.builder().inputKind(kind).build())
                    .reduce(kind == InputKind.PROBABILITIES ? probabilities : logProbabilities, y);
            assertEquals(Double.doubleToRawLongBits(expected),
                    Double.doubleToRawLongBits(number(JSON.readTree(run.out).get("mean"))), c[0]);
        }
        CliRun synonym = CliRun.of("evaluate", "--input", logProbs.toString(), "--log-probs");
        CliRun named = CliRun.of("evaluate", "--input", logProbs.toString(), "--input-kind", "log-probs");
        assertEquals(JSON.readTree(named.out).get("mean"), JSON.readTree(synonym.out).get("mean"));
        CliRun bad = CliRun.of("evaluate", "--input", logProbs.toString(), "--input-kind", "odds");
        assertEquals(2, bad.exitCode, bad.toString());
        assertTrue(bad.err.contains("--input-kind") && bad.err.contains("odds"), bad.err);
        CliRun clash = CliRun.of("evaluate", "--input", logProbs.toString(), "--input-kind", "logits", "--log-probs");
        assertEquals(2, clash.exitCode, clash.toString());
    }

    @Test
    void parquetOrcCsvAndJsonInputsAgree() throws IOException {
        Dataset<Row> floats = SharedSpark.get().read().parquet(parquet.toString());
        Path orc = tmp.resolve("digits.orc");
        floats.write().orc(orc.toString());
        Path csv = tmp.resolve("digits.csv");
        // CSV holds text: written from the sample's doubles (exactly the float32 values), which print and parse back.
        SharedSpark.get().read().json(SAMPLE)
                .selectExpr("id", "split", "concat('[', array_join(logits, ', '), ']') AS logits", "target")
                .coalesce(1).write()
                .option("header", "true").csv(csv.toString());
        Path json = Path.of(SAMPLE);
        JsonNode reference = null;
        for (Path input : List.of(parquet, orc, csv, json)) {
            String format = input.toString().endsWith(".parquet") ? "parquet" : input.toString()
                    .endsWith(".orc") ? "orc" : input.toString().endsWith(".csv") ? "csv" : "json";
            // Text formats (CSV, JSON) carry decimal text that parses to the sample's doubles, which are exactly
            // the float32 values in the Parquet and ORC files: every format must give the same bits.
            CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--format", format);
            assertEquals(0, run.exitCode, run.toString());
            JsonNode s = JSON.readTree(run.out);
            if (reference == null) {
                reference = s;
            }
            assertEquals(number(reference.get("mean")), number(s.get("mean")), 0.0, format);
            assertEquals(number(reference.get("sum")), number(s.get("sum")), 0.0, format);
            assertEquals(1797, s.get("rows").asLong(), format);
        }
    }

    @Test
    void summaryIsBitIdenticalFor1And3And17Partitions() throws IOException {
        List<JsonNode> summaries = new ArrayList<>();
        for (int n : new int[] {1, 3, 17}) {
            CliRun run = CliRun.of("evaluate", "--input", parquet.toString(), "--partitions", String.valueOf(n),
                    "--group-by", "split", "--weight", "1,2,3,4,5,6,7,8,9,10", "--label-smoothing", "0.2");
            assertEquals(0, run.exitCode, run.toString());
            com.fasterxml.jackson.databind.node.ObjectNode s = (com.fasterxml.jackson.databind.node.ObjectNode)
                    JSON.readTree(run.out);
            ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("options")).remove("partitions");
            summaries.add(s);
        }
        assertEquals(summaries.get(0), summaries.get(1));
        assertEquals(summaries.get(0), summaries.get(2));
    }

    @Test
    void reductionNoneWritesEveryRowsLoss() throws IOException {
        Path out = tmp.resolve("none-json");
        CliRun run = CliRun.of("evaluate", "--input", parquet.toString(), "--reduction", "none", "--output",
                out.toString(), "--output-format", "json");
        assertEquals(0, run.exitCode, run.toString());
        assertTrue(Files.exists(out.resolve("summary.json")));
        List<Row> rows = SharedSpark.get().read().json(out.resolve("rows").toString()).orderBy("id").collectAsList();
        assertEquals(1797, rows.size());
        assertEquals(List.of("id", "loss", "split", "target"),
                List.of(SharedSpark.get().read().json(out.resolve("rows").toString()).columns()).stream()
                        .sorted().collect(java.util.stream.Collectors.toList()));
        List<Row> input = SharedSpark.get().read().parquet(parquet.toString()).orderBy("id").collectAsList();
        CrossEntropy kernel = new CrossEntropy(CrossEntropyOptions.defaults(), 10);
        for (int i = 0; i < rows.size(); i++) {
            float[] x = toFloats(input.get(i).getList(input.get(i).fieldIndex("logits")));
            long y = input.get(i).getInt(input.get(i).fieldIndex("target"));
            assertEquals(kernel.loss(x, y), rows.get(i).getDouble(rows.get(i).fieldIndex("loss")), 0.0);
        }
        Path ids = tmp.resolve("none-ids");
        CliRun idRun = CliRun.of("evaluate", "--input", parquet.toString(), "--reduction", "none", "--output",
                ids.toString(), "--id-cols", "id");
        assertEquals(0, idRun.exitCode, idRun.toString());
        assertEquals(List.of("id", "loss"),
                List.of(SharedSpark.get().read().parquet(ids.resolve("rows").toString()).columns()));
    }

    /** Wide rows cut Spark's reader batch (4,096 rows) to about 4M logits, unless the run sets it itself. */
    @Test
    void wideRowsGetASmallerReaderBatch() {
        assertEquals(4096, ReaderBatch.rows(1000));
        assertEquals(131, ReaderBatch.rows(32000));
        assertEquals(16, ReaderBatch.rows(256000));
        assertEquals(1, ReaderBatch.rows(1 << 23));
        String key = "spark.sql.parquet.columnarReaderBatchSize";
        Path wide = tmp.resolve("wide.parquet");
        SharedSpark.get().range(4).selectExpr("CAST(id AS int) AS target",
                "transform(sequence(1, 32000), i -> CAST(i % 7 AS float)) AS logits").write().parquet(wide.toString());
        try {
            CliRun run = CliRun.of("evaluate", "--input", wide.toString());
            assertEquals(0, run.exitCode, run.toString());
            assertEquals("131", SharedSpark.get().conf().get(key));
            CliRun set = CliRun.of("evaluate", "--input", wide.toString(), "--conf", key + "=77");
            assertEquals(0, set.exitCode, set.toString());
            assertEquals("77", SharedSpark.get().conf().get(key), "the run's own setting wins");
        } finally {
            SharedSpark.get().conf().unset(key);
            SharedSpark.get().conf().unset("spark.sql.orc.columnarReaderBatchSize");
        }
    }

    static float[] toFloats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("evaluate"), run.err);
        assertEquals(0, CliRun.of("--version").exitCode);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        CliRun run = CliRun.of("evaluate", "--help");
        assertEquals(0, run.exitCode);
        for (String option : List.of("--input", "--format", "--logits-col", "--target-col", "--weight",
                "--ignore-index", "--label-smoothing", "--log-probs", "--classes", "--reduction", "--group-by",
                "--id-cols", "--partitions", "--output", "--output-format", "--overwrite", "--master", "--config",
                "--table", "--where", "--version", "--timestamp", "--metastore", "--state", "-V",
                "--conf")) {
            assertTrue(run.out.contains(option), option + " in\n" + run.out);
        }
        for (String shown : List.of("(default: -100)", "(default: 0.0)", "(default: mean)", "(default: logits)",
                "(default: target)", "(default: local[*]", "(default: parquet)")) {
            assertTrue(run.out.contains(shown), shown + " in\n" + run.out);
        }
    }

    @Test
    void configFileGivesDefaultsFlagsOverrideAndUnknownKeysFail() throws IOException {
        Path config = tmp.resolve("xent.properties");
        Files.writeString(config, "input=" + SAMPLE + "\ngroup-by=split\nlabel-smoothing=0.5\n");
        CliRun fromFile = CliRun.of("evaluate", "--config", config.toString(), "--label-smoothing", "0.0");
        assertEquals(0, fromFile.exitCode, fromFile.toString());
        JsonNode s = JSON.readTree(fromFile.out);
        assertEquals(0.0, s.get("options").get("label_smoothing").doubleValue(), 0.0, "the flag wins");
        assertEquals(2, s.get("groups").size(), "group-by from the file");
        Files.writeString(config, "input=" + SAMPLE + "\nsmoothing=0.1\n");
        CliRun unknown = CliRun.of("evaluate", "--config", config.toString());
        assertEquals(2, unknown.exitCode, unknown.toString());
        assertTrue(unknown.err.contains("unknown key 'smoothing'"), unknown.err);
        CliRun shipped = CliRun.of("evaluate", "--config", "conf/xent.properties");
        assertEquals(0, shipped.exitCode, shipped.toString());
    }

    @Test
    void badOptionsAndColumnsFailWithExitCode2AndOneLine() throws IOException {
        String p = parquet.toString();
        Object[][] cases = {
            {new String[] {"evaluate", "--input", tmp.resolve("missing.parquet").toString()}, "--input: no such file"},
            {new String[] {"evaluate"}, "--input: required"},
            {new String[] {"evaluate", "--input", p, "--logits-col", "scores"}, "column 'scores' (logits) not found"},
            {new String[] {"evaluate", "--input", p, "--target-col", "split"}, "column 'split' (target) has type string"},
            {new String[] {"evaluate", "--input", p, "--logits-col", "id"}, "column 'id' (logits) has type bigint"},
            {new String[] {"evaluate", "--input", p, "--label-smoothing", "1.5"}, "--label-smoothing: "},
            {new String[] {"evaluate", "--input", p, "--label-smoothing", "-0.1"}, "PyTorch would silently use 0"},
            {new String[] {"evaluate", "--input", p, "--weight", "1,2,3"}, "--weight: gives 3 classes"},
            {new String[] {"evaluate", "--input", p, "--classes", "4", "--weight", "1,2,3"}, "--weight: "},
            {new String[] {"evaluate", "--input", p, "--classes", "x"}, "--classes: 'x' is not an integer"},
            {new String[] {"evaluate", "--input", p, "--classes", "0"}, "--classes: expected at least 1 but got 0"},
            {new String[] {"evaluate", "--input", p, "--ignore-index", "1.5"}, "--ignore-index: '1.5' is not an "
                    + "integer"},
            {new String[] {"evaluate", "--input", p, "--weight", "1,a"}, "--weight: '1,a' is not a comma-separated "
                    + "list of numbers"},
            {new String[] {"evaluate", "--input", p, "--label-smoothing", "x"}, "--label-smoothing: 'x' is not a "
                    + "number"},
            {new String[] {"evaluate", "--input", p, "--reduction", "avg"}, "--reduction: expected one of"},
            {new String[] {"evaluate", "--input", p, "--reduction", "none"}, "give --output DIR"},
            {new String[] {"evaluate", "--input", p, "--format", "xml"}, "--format: expected one of"},
            {new String[] {"evaluate", "--input", p, "--group-by", "nope"}, "column 'nope' (group-by) not found"},
            {new String[] {"evaluate", "--input", p, "--frobnicate"}, "Unknown option: '--frobnicate'"},
            {new String[] {"evaluate", "--input", p, "--partitions", "many"}, "--partitions"},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode, String.join(" ", args) + "\n" + run);
            assertTrue(run.err.contains((String) c[1]), String.join(" ", args) + "\n" + run);
            assertTrue(run.err.startsWith("xent: "), run.err);
            assertEquals("", run.out);
        }
        CliRun schema = CliRun.of("evaluate", "--input", p, "--logits-col", "scores");
        assertTrue(schema.err.contains("Schema: [id:bigint, split:string, logits:array<float>, target:int]"),
                schema.err);
    }

    @Test
    void anInvalidRowFailsWithExitCode1NamingItAndWritesNothing() throws IOException {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": 10, \"logits\": [1.0, 2.0, 3.0], \"target\": 0}\n"
                + "{\"id\": 11, \"logits\": [1.0, 2.0, 3.0], \"target\": 2}\n"
                + "{\"id\": 12, \"logits\": [1.0, 2.0, 3.0], \"target\": 5}\n", StandardCharsets.UTF_8);
        Path out = tmp.resolve("bad-out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "older results");
        Files.writeString(out.resolve(OutputFolder.MARKER), ""); // an earlier xent output
        CliRun byId = CliRun.of("evaluate", "--input", bad.toString(), "--id-cols", "id", "--output", out.toString(),
                "--overwrite");
        assertEquals(1, byId.exitCode, byId.toString());
        assertTrue(byId.err.contains("row {id=12}: target 5 is out of bounds: expected a class in [0, 3)"),
                byId.err);
        assertFalse(Files.exists(out.resolve("summary.json")));
        assertEquals("older results", Files.readString(out.resolve("keep.txt")), "a failed run loses nothing");
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("xent-staging")), "staging removed");
        }
        CliRun byPosition = CliRun.of("evaluate", "--input", bad.toString());
        assertEquals(1, byPosition.exitCode, byPosition.toString());
        assertTrue(byPosition.err.contains("row 2 of file:") && byPosition.err.contains(bad + ": target 5"),
                byPosition.err);
        CliRun none = CliRun.of("evaluate", "--input", bad.toString(), "--reduction", "none", "--output",
                tmp.resolve("bad-none").toString());
        assertEquals(1, none.exitCode, none.toString());
        assertTrue(none.err.contains("target 5"), none.err);
        assertFalse(Files.exists(tmp.resolve("bad-none").resolve("summary.json")));
        assertFalse(Files.exists(tmp.resolve("bad-none").resolve("rows")));
    }

    @Test
    void aNonEmptyOutputFolderIsRefusedUnlessOverwrite() throws IOException {
        Path out = tmp.resolve("taken");
        Files.createDirectories(out);
        Files.writeString(out.resolve("other.txt"), "x");
        CliRun refused = CliRun.of("evaluate", "--input", SAMPLE, "--output", out.toString());
        assertEquals(2, refused.exitCode, refused.toString());
        assertTrue(refused.err.contains("is not empty; pass --overwrite"), refused.err);
        Files.writeString(out.resolve(OutputFolder.MARKER), ""); // as if xent wrote it (OutputSafetyTest: else refused)
        CliRun replaced = CliRun.of("evaluate", "--input", SAMPLE, "--output", out.toString(), "--overwrite");
        assertEquals(0, replaced.exitCode, replaced.toString());
        assertTrue(Files.exists(out.resolve("summary.json")));
        assertFalse(Files.exists(out.resolve("other.txt")));
    }

    @Test
    void nonFiniteFiguresAreJsonStrings() throws IOException {
        Path allIgnored = tmp.resolve("ignored.jsonl");
        Files.writeString(allIgnored, "{\"logits\": [1.0, 2.0], \"target\": -100}\n"
                + "{\"logits\": [Infinity, 2.0], \"target\": -100}\n");
        CliRun run = CliRun.of("evaluate", "--input", allIgnored.toString());
        assertEquals(0, run.exitCode, run.toString());
        JsonNode s = JSON.readTree(run.out);
        assertEquals("NaN", s.get("mean").asText());
        assertEquals(0.0, s.get("sum").doubleValue(), 0.0);
        assertEquals(2, s.get("ignored").asLong());
        Path inf = tmp.resolve("inf.jsonl");
        Files.writeString(inf, "{\"logits\": [-Infinity, 2.0], \"target\": 0}\n");
        JsonNode infinite = JSON.readTree(CliRun.of("evaluate", "--input", inf.toString()).out);
        assertEquals("Infinity", infinite.get("mean").asText());
        assertEquals(1, infinite.get("non_finite").asLong());
    }

    @Test
    void probabilityTargetsAndLogProbabilities() throws IOException {
        Random r = new Random(4);
        double[][] x = new double[30][3];
        double[][] p = new double[30][3];
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            for (int c = 0; c < 3; c++) {
                x[i][c] = r.nextInt(2000) / 100.0 - 10;
                p[i][c] = r.nextInt(100) / 100.0;
            }
            lines.append(String.format(java.util.Locale.ROOT, "{\"logits\": [%s, %s, %s], \"target\": [%s, %s, %s]}%n",
                    x[i][0], x[i][1], x[i][2], p[i][0], p[i][1], p[i][2]));
        }
        Path soft = tmp.resolve("soft.jsonl");
        Files.writeString(soft, lines.toString());
        JsonNode s = JSON.readTree(CliRun.of("evaluate", "--input", soft.toString(), "--label-smoothing", "0.1").out);
        LossState expected = new CrossEntropyLoss(CrossEntropyOptions.builder().labelSmoothing(0.1).build())
                .state(x, p);
        assertEquals("probabilities", s.get("targets").asText());
        assertEquals(expected.mean(), number(s.get("mean")), 0.0);
        CliRun ignoreIndex = CliRun.of("evaluate", "--input", soft.toString(), "--ignore-index", "0");
        assertEquals(1, ignoreIndex.exitCode, ignoreIndex.toString());
        assertTrue(ignoreIndex.err.contains("ignore_index"), ignoreIndex.err);

        Path lp = tmp.resolve("logprobs.jsonl");
        Files.writeString(lp, "{\"logits\": [3.0, -2.0, 7.0], \"target\": 2}\n");
        JsonNode nll = JSON.readTree(CliRun.of("evaluate", "--input", lp.toString(), "--log-probs").out);
        assertEquals(-7.0, number(nll.get("mean")), 0.0, "NLLLoss does not check its input");
    }
}
