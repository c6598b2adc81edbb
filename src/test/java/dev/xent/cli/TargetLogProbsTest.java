package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TargetLogProbCases;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --input-kind target-log-probs} through Parquet and the command: torch's figures from the golden cases
 * ({@code target_log_probs/generate.py}), the full-logit path on the same sequences, groups, one token per row,
 * quarantine, per-token losses, the refusals, and the committed sample ({@code data/lm}).
 */
class TargetLogProbsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("part", DataTypes.StringType)
            .add("logp", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("mask", DataTypes.createArrayType(DataTypes.BooleanType))
            .add("tw", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("target", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("n_bytes", DataTypes.LongType)
            .add("n_words", DataTypes.LongType);
    static final String[] KIND = {"--input-kind", "target-log-probs", "--logits-col", "logp", "--mask-col", "mask",
        "--token-weight-col", "tw", "--bytes-col", "n_bytes", "--words-col", "n_words"};

    @TempDir
    Path tmp;

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    /** A case as Parquet; sequences without a mask or token weights get all-true masks and weights of 1. */
    private Path parquet(JsonNode c) {
        List<Row> rows = new ArrayList<>();
        int i = 0;
        for (JsonNode s : c.get("sequences")) {
            double[] logp = TargetLogProbCases.logp(s);
            boolean[] mask = TargetLogProbCases.mask(c, s);
            double[] tw = TargetLogProbCases.tokenWeights(s);
            List<Double> lp = new ArrayList<>();
            List<Boolean> m = new ArrayList<>();
            List<Double> w = new ArrayList<>();
            List<Integer> y = new ArrayList<>();
            for (int t = 0; t < logp.length; t++) {
                lp.add(logp[t]);
                m.add(mask == null || mask[t]);
                w.add(tw == null ? 1.0 : tw[t]);
                y.add(s.get("target").get(t).asInt());
            }
            rows.add(RowFactory.create(i, i % 2 == 0 ? "even" : "odd", lp, m, w, y, s.get("bytes").asLong(),
                    s.get("words").asLong()));
            i++;
        }
        Path path = tmp.resolve(c.get("name").asText() + ".parquet");
        SharedSpark.get().createDataFrame(rows, SCHEMA).write().parquet(path.toString());
        return path;
    }

    private static List<String> weightArgs(JsonNode c) {
        if (c.get("class_weight").isNull()) {
            return List.of();
        }
        StringBuilder w = new StringBuilder();
        for (double v : GoldenCase.numbers(c.get("class_weight"))) {
            w.append(w.length() == 0 ? "" : ",").append(v);
        }
        return List.of("--weight", w.toString());
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(new String[0]));
    }

    @Test
    void everyFigureIsTorchsAndTheFullLogitPathAgrees() throws Exception {
        int checked = 0;
        for (JsonNode c : TargetLogProbCases.load()) {
            String name = c.get("name").asText();
            if (!List.of("ragged-empty", "fully-masked", "everything", "class-weights-mask-ignore").contains(name)) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of("evaluate", "--input", parquet(c).toString(),
                    "--partitions", "3"));
            args.addAll(List.of(KIND));
            args.addAll(weightArgs(c));
            CliRun r = run(args);
            assertEquals(0, r.exitCode, r.toString());
            JsonNode s = JSON.readTree(r.out);
            JsonNode lm = s.get("language_model");
            JsonNode e = c.get("expected");
            JsonNode x = c.get("exact");
            assertEquals(GoldenCase.number(x.get("mean")), number(s.get("mean")), 0.0, name + " mean");
            assertEquals(GoldenCase.number(x.get("sum")), number(s.get("sum")), 0.0, name + " sum");
            TorchMatch.check(name + " mean", e.get("mean"), x.get("mean"), number(s.get("mean")));
            for (String f : List.of("perplexity", "bits_per_token", "bits_per_byte", "bits_per_word",
                    "sequence_mean_loss", "sequence_mean_perplexity")) {
                TorchMatch.check(name + " " + f, GoldenCase.number(x.get(f)), number(lm.get(f)));
            }
            TorchMatch.check(name + " standard error", GoldenCase.number(x.get("standard_error")),
                    number(s.get("standard_error")));
            assertEquals(e.get("sequences").asLong(), lm.get("sequences").asLong(), name);
            assertEquals(e.get("scored_tokens").asLong(), lm.get("scored_tokens").asLong(), name);
            assertEquals(e.get("ignored_tokens").asLong(), lm.get("ignored_tokens").asLong(), name);
            assertTrue(r.err.contains(e.get("sequences").asLong() + " rows = " + e.get("sequences").asLong()
                    + " sequences + 0 rejected"), r.err);
            if (!c.get("has_token_weight").asBoolean()) {
                JsonNode full = JSON.readTree(fullLogits(c, name).out);
                for (String f : List.of("mean", "sum", "standard_error")) {
                    close(name + " " + f, number(full.get(f)), number(s.get(f)));
                }
                full.get("language_model").fields().forEachRemaining(f -> close(name + " " + f.getKey(),
                        number(f.getValue()), number(lm.get(f.getKey()))));
            }
            checked++;
        }
        assertEquals(4, checked, "cases run through the command");
    }

    /** The same sequences as full logits through the ordinary sequence path. */
    private CliRun fullLogits(JsonNode c, String name) {
        StructType schema = new StructType().add("logits", DataTypes.createArrayType(DataTypes.createArrayType(
                DataTypes.DoubleType))).add("target", DataTypes.createArrayType(DataTypes.LongType))
                .add("n_bytes", DataTypes.LongType).add("n_words", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        for (JsonNode s : c.get("sequences")) {
            List<List<Double>> x = new ArrayList<>();
            for (double[] token : TargetLogProbCases.logits(s)) {
                List<Double> v = new ArrayList<>();
                for (double d : token) {
                    v.add(d);
                }
                x.add(v);
            }
            List<Long> y = new ArrayList<>();
            for (long t : TargetLogProbCases.fullLogitTargets(c, s)) {
                y.add(t);
            }
            rows.add(RowFactory.create(x, y, s.get("bytes").asLong(), s.get("words").asLong()));
        }
        Path path = tmp.resolve(name + "-full.parquet");
        SharedSpark.get().createDataFrame(rows, schema).write().parquet(path.toString());
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", path.toString(), "--bytes-col", "n_bytes",
                "--words-col", "n_words", "--classes", c.get("classes").asText()));
        args.addAll(weightArgs(c));
        CliRun r = run(args);
        assertEquals(0, r.exitCode, r.toString());
        return r;
    }

    private static void close(String where, double expected, double actual) {
        assertTrue(expected == actual || Math.abs(expected - actual) <= 1e-12 * Math.abs(expected),
                where + ": full logits give " + expected + ", target log-probs " + actual);
    }

    @Test
    void groupsOneTokenPerRowAndPerTokenLosses() throws Exception {
        JsonNode c = TargetLogProbCases.load().get(7); // "everything"
        assertEquals("everything", c.get("name").asText());
        Path input = parquet(c);
        Path out = tmp.resolve("none-out");
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", input.toString(), "--group-by", "part",
                "--reduction", "none", "--output", out.toString(), "--report"));
        args.addAll(List.of(KIND));
        args.addAll(weightArgs(c));
        CliRun r = run(args);
        assertEquals(0, r.exitCode, r.toString());
        JsonNode s = JSON.readTree(r.out);
        assertEquals(2, s.get("groups").size());
        assertTrue(Files.exists(out.resolve("report.html")));
        List<Row> rows = SharedSpark.get().read().parquet(out.resolve("rows").toString()).orderBy("id")
                .collectAsList();
        JsonNode none = c.get("expected").get("none");
        assertEquals(none.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<Double> losses = rows.get(i).getList(rows.get(i).fieldIndex("loss"));
            assertEquals(none.get(i).size(), losses.size());
            for (int t = 0; t < losses.size(); t++) {
                assertEquals(GoldenCase.number(none.get(i).get(t)), losses.get(t), 0.0, "none " + i + "/" + t);
            }
        }
        // one token per row: the same tokens exploded give the same token figures
        SharedSpark.get().read().parquet(input.toString()).createOrReplaceTempView("seqs");
        Path flat = tmp.resolve("flat.parquet");
        SharedSpark.get().sql("SELECT id, p.logp, mask[p.t] AS mask, tw[p.t] AS tw, target[p.t] AS target "
                + "FROM seqs LATERAL VIEW posexplode(logp) p AS t, logp").write().parquet(flat.toString());
        List<String> flatArgs = new ArrayList<>(List.of("evaluate", "--input", flat.toString(), "--input-kind",
                "target-log-probs", "--logits-col", "logp", "--mask-col", "mask", "--token-weight-col", "tw"));
        flatArgs.addAll(weightArgs(c));
        CliRun f = run(flatArgs);
        assertEquals(0, f.exitCode, f.toString());
        JsonNode fs = JSON.readTree(f.out);
        assertEquals(GoldenCase.number(c.get("exact").get("mean")), number(fs.get("mean")), 0.0, "flat mean");
        assertEquals(c.get("expected").get("tokens").asLong(), fs.get("rows").asLong());
    }

    @Test
    void invalidRowsAreNamedOrQuarantinedWithTheirReason() throws Exception {
        Path bad = tmp.resolve("bad.parquet");
        SharedSpark.get().createDataFrame(List.of(
                RowFactory.create(1, "a", List.of(-1.0, -2.0), List.of(true, true), List.of(1.0, 1.0), List.of(0, 1), 3L, 1L),
                RowFactory.create(2, "a", List.of(-1.0, 0.5), List.of(true, true), List.of(1.0, 1.0), List.of(0, 1), 3L, 1L),
                RowFactory.create(3, "a", List.of(-1.0, Double.NaN), List.of(true, true), List.of(1.0, 1.0), List.of(0, 1), 3L, 1L),
                RowFactory.create(4, "a", List.of(-1.0, -2.0), List.of(true), List.of(1.0, 1.0), List.of(0, 1), 3L, 1L),
                RowFactory.create(5, "a", List.of(-4.0, Double.NaN), List.of(true, false), List.of(1.0, 1.0), List.of(0, 1), 3L, 1L)),
                SCHEMA).write().parquet(bad.toString());
        List<String> kind = List.of("--input-kind", "target-log-probs", "--logits-col", "logp", "--mask-col", "mask",
                "--token-weight-col", "tw");
        List<String> failArgs = new ArrayList<>(List.of("evaluate", "--input", bad.toString(), "--id-cols", "id"));
        failArgs.addAll(kind);
        CliRun failing = run(failArgs);
        assertEquals(1, failing.exitCode, failing.toString());
        assertTrue(failing.err.contains("row {id=2}: token 1: log-probability 0.5 is positive"), failing.err);
        Path out = tmp.resolve("q");
        List<String> qArgs = new ArrayList<>(List.of("evaluate", "--input", bad.toString(), "--on-invalid",
                "quarantine", "--output", out.toString()));
        qArgs.addAll(kind);
        CliRun q = run(qArgs);
        assertEquals(0, q.exitCode, q.toString());
        JsonNode s = JSON.readTree(q.out);
        assertEquals(3, s.get("rejected").asLong());
        assertEquals(5, s.get("rows").asLong());
        assertEquals(7.0 / 3, number(s.get("mean")), 0.0, "(1 + 2 + 4) / 3: a masked NaN is not looked at");
        Map<Integer, String> reasons = new TreeMap<>();
        for (Row row : SharedSpark.get().read().parquet(out.resolve("rejected").toString()).collectAsList()) {
            reasons.put(row.getInt(row.fieldIndex("id")), row.getString(row.fieldIndex("reason")));
        }
        assertEquals(List.of(2, 3, 4), new ArrayList<>(reasons.keySet()));
        assertTrue(reasons.get(2).startsWith("token 1: log-probability 0.5 is positive"), reasons.get(2));
        assertTrue(reasons.get(3).startsWith("token 1: log-probability is NaN"), reasons.get(3));
        assertTrue(reasons.get(4).startsWith("the mask have 1 elements but there are 2"), reasons.get(4));
    }

    @Test
    void whatNeedsTheDistributionIsRefusedUpFront() throws Exception {
        JsonNode c = TargetLogProbCases.load().get(0);
        String input = parquet(c).toString();
        String[][] refused = {
            {"--label-smoothing", "0.1"}, {"--metrics"}, {"--per-class"}, {"--weight", "1,2,3"}};
        String[] names = {"--label-smoothing: needs each token's whole distribution", "--metrics: accuracy",
            "--per-class: needs", "weight: class weights need each token's target class"};
        for (int i = 0; i < refused.length; i++) {
            List<String> args = new ArrayList<>(List.of("evaluate", "--input", input, "--input-kind",
                    "target-log-probs", "--logits-col", "logp", "--target-col", "no_such_column"));
            args.addAll(List.of(refused[i]));
            CliRun r = run(args);
            assertEquals(2, r.exitCode, r.toString());
            assertEquals(1, r.err.strip().lines().count(), r.err);
            assertTrue(r.err.contains(names[i]), r.err);
        }
        CliRun mask = CliRun.of("evaluate", "--input", input, "--logits-col", "logp", "--mask-col", "mask");
        assertEquals(2, mask.exitCode, mask.toString());
        assertTrue(mask.err.contains("--mask-col: applies to --input-kind target-log-probs"), mask.err);
        CliRun soft = CliRun.of("evaluate", "--input", input, "--input-kind", "target-log-probs", "--logits-col",
                "logp", "--target-col", "tw");
        assertEquals(2, soft.exitCode, soft.toString());
        assertTrue(soft.err.contains("probability targets need the whole distribution"), soft.err);
    }

    @Test
    void theSampleGivesTorchsFigures() throws Exception {
        Path sample = Path.of("data/lm/logprobs.jsonl");
        JsonNode expected = JSON.readTree(Path.of("data/lm/expected.json").toFile());
        CliRun r = CliRun.of("evaluate", "--input", sample.toString(), "--input-kind", "target-log-probs",
                "--logits-col", "logp", "--mask-col", "mask", "--bytes-col", "n_bytes", "--words-col", "n_words",
                "--group-by", "split");
        assertEquals(0, r.exitCode, r.toString());
        JsonNode s = JSON.readTree(r.out);
        JsonNode lm = s.get("language_model");
        assertEquals(expected.get("token_mean_loss").asDouble(), number(s.get("mean")), 0.0, "sample mean");
        assertEquals(expected.get("sum").asDouble(), number(s.get("sum")), 0.0, "sample sum");
        TorchMatch.check("sample torch mean", expected.get("torch_mean").asDouble(), number(s.get("mean")));
        for (String f : List.of("perplexity", "bits_per_token", "bits_per_byte", "bits_per_word",
                "sequence_mean_loss", "sequence_mean_perplexity")) {
            TorchMatch.check("sample " + f, expected.get(f).asDouble(), number(lm.get(f)));
        }
        assertEquals(expected.get("scored_tokens").asLong(), lm.get("scored_tokens").asLong());
        assertEquals(expected.get("sequences").asLong(), s.get("rows").asLong());
        for (JsonNode g : s.get("groups")) {
            JsonNode eg = expected.get("groups").get(g.get("key").get("split").asText());
            assertEquals(eg.get("token_mean_loss").asDouble(), number(g.get("mean")), 0.0, "group mean");
        }
    }

    @Test
    void theMllibEvaluatorTakesTheInputKind() {
        JsonNode c = TargetLogProbCases.load().get(1); // "ragged-empty": no mask, no weights
        assertEquals("ragged-empty", c.get("name").asText());
        org.apache.spark.sql.Dataset<Row> df = SharedSpark.get().read().parquet(parquet(c).toString());
        dev.xent.ml.CrossEntropyEvaluator evaluator = new dev.xent.ml.CrossEntropyEvaluator()
                .setInputKind("targetLogProbs").setLogitsCol("logp");
        assertEquals(GoldenCase.number(c.get("exact").get("mean")), evaluator.evaluate(df), 0.0);
        assertEquals(GoldenCase.number(c.get("exact").get("perplexity")), evaluator.getMetrics(df).get("perplexity"),
                1e-12 * GoldenCase.number(c.get("exact").get("perplexity")));
    }
}
