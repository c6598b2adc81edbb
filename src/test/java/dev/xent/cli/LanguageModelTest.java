package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.SequenceGoldenTest;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Language-model rows through Parquet and the command, against torch's K-dimensional golden values. */
class LanguageModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final StructType SCHEMA = new StructType().add("id", DataTypes.IntegerType)
            .add("logits", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add("target", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("n_bytes", DataTypes.LongType);

    @TempDir
    Path tmp;

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    private Path parquet(GoldenCase c, String name) {
        double[][][] x = SequenceGoldenTest.tokens(c);
        long[][] y = SequenceGoldenTest.targets(c);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            List<List<Double>> tokens = new ArrayList<>();
            for (double[] token : x[i]) {
                List<Double> values = new ArrayList<>();
                for (double v : token) {
                    values.add(v);
                }
                tokens.add(values);
            }
            List<Integer> targets = new ArrayList<>();
            for (long t : y[i]) {
                targets.add((int) t);
            }
            rows.add(RowFactory.create(i, tokens, targets, 4L * x[i].length + i));
        }
        Path path = tmp.resolve(name + ".parquet");
        SharedSpark.get().createDataFrame(rows, SCHEMA).write().parquet(path.toString());
        return path;
    }

    @Test
    void languageModelFiguresAreTorchsAndTheFormulas() throws Exception {
        List<GoldenCase> cases = GoldenCase.load("sequences.jsonl");
        for (GoldenCase c : cases.subList(0, 6)) {
            Path input = parquet(c, c.name);
            List<String> args = new ArrayList<>(List.of("evaluate", "--input", input.toString(), "--bytes-col",
                    "n_bytes", "--words-col", "n_bytes", "--label-smoothing", String.valueOf(c.labelSmoothing),
                    "--partitions", "3"));
            if (c.weight != null) {
                StringBuilder w = new StringBuilder();
                for (double v : c.weight) {
                    w.append(w.length() == 0 ? "" : ",").append(v);
                }
                args.addAll(List.of("--weight", w.toString()));
            }
            CliRun run = CliRun.of(args.toArray(new String[0]));
            assertEquals(0, run.exitCode, run.toString());
            JsonNode s = JSON.readTree(run.out);
            JsonNode lm = s.get("language_model");
            JsonNode e = c.node.get("expected");
            double mean = GoldenCase.number(e.get("mean"));
            double sum = GoldenCase.number(e.get("sum"));
            double exactMean = GoldenCase.number(c.exact("mean"));
            double exactSum = GoldenCase.number(c.exact("sum"));
            TorchMatch.check(c.name + " lm mean", mean, exactMean, number(s.get("mean")));
            TorchMatch.check(c.name + " lm sum", sum, exactSum, number(s.get("sum")));
            TorchMatch.check(c.name + " lm token mean", mean, exactMean, number(lm.get("token_mean_loss")));
            TorchMatch.check(c.name + " perplexity", Math.exp(mean), Math.exp(exactMean), number(lm.get("perplexity")));
            TorchMatch.check(c.name + " bits per token", mean / Math.log(2), exactMean / Math.log(2),
                    number(lm.get("bits_per_token")));
            TorchMatch.check(c.name + " sequence mean", e.get("sequence_mean_loss"), c.exact("sequence_mean_loss"),
                    number(lm.get("sequence_mean_loss")));
            TorchMatch.check(c.name + " sequence perplexity", e.get("sequence_mean_perplexity"),
                    c.exact("sequence_mean_perplexity"), number(lm.get("sequence_mean_perplexity")));
            long rows = c.node.get("target").size();
            long bytes = 4L * c.node.get("tokens").asLong() * rows + rows * (rows - 1) / 2;
            assertEquals(bytes, lm.get("bytes").asLong());
            TorchMatch.check(c.name + " bits per byte", sum / (Math.log(2) * bytes), exactSum / (Math.log(2) * bytes),
                    number(lm.get("bits_per_byte")));
            assertEquals(rows, lm.get("sequences").asLong());
            assertEquals(rows, s.get("rows").asLong());
            assertTrue(run.err.contains(rows + " rows = " + rows + " sequences + 0 rejected"), run.err);
        }
    }

    @Test
    void perTokenLossesAndInvalidTokens() throws Exception {
        GoldenCase c = GoldenCase.load("sequences.jsonl").get(2);
        Path input = parquet(c, "none");
        Path out = tmp.resolve("none-out");
        CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--reduction", "none", "--output",
                out.toString(), "--label-smoothing", String.valueOf(c.labelSmoothing));
        assertEquals(0, run.exitCode, run.toString());
        List<Row> rows = SharedSpark.get().read().parquet(out.resolve("rows").toString()).orderBy("id")
                .collectAsList();
        JsonNode none = c.node.get("expected").get("none");
        JsonNode exactNone = c.exact("none");
        assertEquals(none.size(), rows.size(), "sequences written");
        for (int i = 0; i < rows.size(); i++) {
            List<Double> losses = rows.get(i).getList(rows.get(i).fieldIndex("loss"));
            assertEquals(none.get(i).size(), losses.size(), "tokens of sequence " + i);
            for (int t = 0; t < losses.size(); t++) {
                TorchMatch.check("none[" + i + "][" + t + "]", none.get(i).get(t), exactNone.get(i).get(t),
                        losses.get(t));
            }
        }
        Path bad = tmp.resolve("bad-seq.parquet");
        SharedSpark.get().createDataFrame(List.of(
                RowFactory.create(7, List.of(List.of(1.0, 2.0), List.of(0.5, 0.5)), List.of(0, 1), 3L),
                RowFactory.create(8, List.of(List.of(1.0, 2.0), List.of(0.5, 0.5)), List.of(0, 5), 3L),
                RowFactory.create(9, List.of(List.of(1.0, 2.0)), List.of(0, 1), 3L)), SCHEMA)
                .write().parquet(bad.toString());
        CliRun failing = CliRun.of("evaluate", "--input", bad.toString(), "--id-cols", "id");
        assertEquals(1, failing.exitCode, failing.toString());
        assertTrue(failing.err.contains("row {id=8}: token 1: target 5 is out of bounds"), failing.err);
        CliRun quarantined = CliRun.of("evaluate", "--input", bad.toString(), "--on-invalid", "quarantine",
                "--output", tmp.resolve("bad-q").toString());
        assertEquals(0, quarantined.exitCode, quarantined.toString());
        JsonNode s = JSON.readTree(quarantined.out);
        assertEquals(2, s.get("rejected").asLong(), "the out-of-range token and the length mismatch");
        assertEquals(3, s.get("rows").asLong());
        assertEquals(2, s.get("language_model").get("tokens").asLong());
    }
}
