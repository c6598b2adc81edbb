package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON as other tools write it: non-finite numbers as the strings "NaN", "Infinity", "-Infinity" (Spark's and
 * Jackson's JSON writers), and "+Infinity", "inf", "-inf" (which Spark's casts accept), read as those numbers in
 * the logits and probability columns, with PyTorch's values (src/test/resources/json_strings/generate.py wrote
 * expected.json from torch); any other string makes the row invalid, naming its position, like a null element.
 */
class JsonStringsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXPECTED = Path.of("src/test/resources/json_strings/expected.json");

    @TempDir
    Path tmp;

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    static List<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        JSON.readTree(EXPECTED.toFile()).get("cases").forEach(cases::add);
        assertEquals(3, cases.size(), "every case of generate.py");
        return cases;
    }

    /** The case's rows as a frame of array<double> logits, written by Spark's own JSON writer. */
    static Path writtenBySpark(JsonNode c, Path dir) {
        boolean soft = c.get("rows").get(0).get("target").isArray();
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : c.get("rows")) {
            rows.add(RowFactory.create(r.get("id").asLong(), doubles(r.get("logits")),
                    soft ? doubles(r.get("target")) : (Object) r.get("target").asLong()));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("target", soft ? DataTypes.createArrayType(DataTypes.DoubleType) : DataTypes.LongType);
        SharedSpark.get().createDataFrame(rows, schema).coalesce(1).write().json(dir.toString());
        return dir;
    }

    static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = number(array.get(i));
        }
        return d;
    }

    static String text(Path folder) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    /** Evaluates the input and compares every row's loss, the mean, the sum and non_finite with torch's. */
    void matchesTorch(JsonNode c, String input) throws IOException {
        Path out = tmp.resolve("out-" + c.get("name").asText() + "-" + System.nanoTime());
        CliRun run = CliRun.of("evaluate", "--input", input, "--format", "json", "--reduction", "none",
                "--id-cols", "id", "--output", out.toString());
        assertEquals(0, run.exitCode, run.toString());
        JsonNode summary = JSON.readTree(Files.readString(out.resolve("summary.json")));
        String name = c.get("name").asText();
        TorchMatch.check(name + " mean", number(c.get("mean")), number(summary.get("mean")));
        TorchMatch.check(name + " sum", number(c.get("sum")), number(summary.get("sum")));
        List<Row> losses = SharedSpark.get().read().parquet(out.resolve("rows").toString()).orderBy("id")
                .select("loss").collectAsList();
        JsonNode expected = c.get("losses");
        assertEquals(expected.size(), losses.size(), name + ": every row scored");
        long nonFinite = 0;
        for (int i = 0; i < losses.size(); i++) {
            double torch = number(expected.get(i));
            TorchMatch.check(name + " row " + i, torch, losses.get(i).getDouble(0));
            nonFinite += Double.isFinite(torch) ? 0 : 1;
        }
        assertEquals(nonFinite, summary.get("non_finite").asLong(), name + ": non_finite counted");
    }

    @Test
    void aFileWrittenBySparksJsonWriterGivesTorchsValues() throws IOException {
        for (JsonNode c : cases()) {
            Path written = writtenBySpark(c, tmp.resolve("spark-" + c.get("name").asText()));
            String text = text(written);
            if (!c.get("name").asText().equals("class_index_finite")) {
                assertTrue(text.contains("\"NaN\""), "Spark writes NaN as a string: " + text);
            }
            assertTrue(text.contains("\"-Infinity\""), "Spark writes -Infinity as a string: " + text);
            matchesTorch(c, written.toString());
        }
    }

    @Test
    void everySpellingSparksCastsAcceptReadsAsItsNumber() throws IOException {
        JsonNode c = cases().get(0);
        // Each non-finite value of the case in turn gets the next spelling of its kind.
        java.util.Map<String, java.util.Iterator<String>> spellings = java.util.Map.of(
                "NaN", List.of("nan").iterator(),
                "Infinity", List.of("inf", "+Infinity").iterator(),
                "-Infinity", List.of("-inf", "-INF").iterator());
        StringBuilder lines = new StringBuilder();
        for (JsonNode r : c.get("rows")) {
            List<String> values = new ArrayList<>();
            for (JsonNode v : r.get("logits")) {
                String s = v.asText();
                values.add(spellings.containsKey(s) ? "\"" + spellings.get(s).next() + "\"" : s);
            }
            lines.append("{\"id\": ").append(r.get("id")).append(", \"logits\": [")
                    .append(String.join(", ", values)).append("], \"target\": ").append(r.get("target"))
                    .append("}\n");
        }
        for (String spelling : List.of("\"inf\"", "\"+Infinity\"", "\"nan\"", "\"-inf\"", "\"-INF\"")) {
            assertTrue(lines.toString().contains(spelling), spelling + " is tried: " + lines);
        }
        Path file = Files.writeString(tmp.resolve("spellings.jsonl"), lines.toString());
        matchesTorch(c, file.toString());
    }

    @Test
    void aStringThatIsNotANumberMakesTheRowInvalidNamingItsPosition() throws IOException {
        Path file = Files.writeString(tmp.resolve("bad.jsonl"),
                "{\"id\": 7, \"logits\": [1.0, \"NaN\", 3.0], \"target\": 0}\n"
                        + "{\"id\": 8, \"logits\": [1.0, 2.0, \"abc\"], \"target\": 0}\n");
        CliRun failed = CliRun.of("evaluate", "--input", file.toString(), "--id-cols", "id");
        assertEquals(1, failed.exitCode, failed.toString());
        assertEquals(1, failed.err.lines().count(), failed.err);
        assertTrue(failed.err.contains("row {id=8}") && failed.err.contains("non-numeric element at position 2"),
                failed.err);
        Path nulls = Files.writeString(tmp.resolve("null.jsonl"),
                "{\"id\": 9, \"logits\": [null, \"Infinity\", 3.0], \"target\": 0}\n");
        CliRun nullElement = CliRun.of("evaluate", "--input", nulls.toString(), "--id-cols", "id");
        assertEquals(1, nullElement.exitCode, nullElement.toString());
        assertTrue(nullElement.err.contains("row {id=9}") && nullElement.err.contains("element at position 0"),
                nullElement.err);
        Path soft = Files.writeString(tmp.resolve("soft.jsonl"),
                "{\"id\": 3, \"logits\": [1.0, 2.0], \"target\": [\"0.5\", \"half\"]}\n");
        CliRun badProbability = CliRun.of("evaluate", "--input", soft.toString(), "--id-cols", "id");
        assertEquals(1, badProbability.exitCode, badProbability.toString());
        assertTrue(badProbability.err.contains("row {id=3}") && badProbability.err.contains("position 1"),
                badProbability.err);
        assertFalse(badProbability.err.contains("Exception"), badProbability.err);
    }
}
