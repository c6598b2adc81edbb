package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of malformed or extreme input gives a clear one-line error with its exit code, or the right numbers:
 * never a bare stack trace, never a wrong number. The outcome of each is printed for the issue note.
 */
class MalformedInputTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static final StructType FLOAT_ROWS = new StructType().add("g", DataTypes.IntegerType)
            .add("logits", DataTypes.createArrayType(DataTypes.FloatType)).add("target", DataTypes.IntegerType);

    /** Rows of random float logits, written to Parquet; returns the expected state of all rows. */
    static LossState parquet(Path path, int rows, int classes, int groups, long seed) {
        Random r = new Random(seed);
        List<Row> out = new ArrayList<>();
        double[][] x = new double[rows][classes];
        long[] y = new long[rows];
        for (int i = 0; i < rows; i++) {
            List<Float> logits = new ArrayList<>(classes);
            for (int c = 0; c < classes; c++) {
                float v = (float) (r.nextGaussian() * 3);
                logits.add(v);
                x[i][c] = v;
            }
            y[i] = r.nextInt(classes);
            out.add(RowFactory.create(i % groups, logits, (int) y[i]));
        }
        SharedSpark.get().createDataFrame(out, FLOAT_ROWS).write().parquet(path.toString());
        return new CrossEntropyLoss(CrossEntropyOptions.defaults()).state(x, y);
    }

    static Path valid;

    @BeforeAll
    static void inputs() {
        valid = tmp.resolve("valid.parquet");
        parquet(valid, 20, 4, 1, 1);
    }

    private static DynamicTest error(String name, int exitCode, String message, Setup setup) {
        return DynamicTest.dynamicTest(name, () -> {
            String[] args = setup.args();
            CliRun run = CliRun.of(args);
            System.out.println("[malformed] " + name + " -> exit " + run.exitCode + ": " + run.err.trim());
            assertEquals(exitCode, run.exitCode, run.toString());
            assertTrue(run.err.contains(message), run.toString());
            assertTrue(run.err.startsWith("xent: "), run.toString());
            assertEquals(1, run.err.trim().split("\n").length, "one line: " + run.err);
            assertFalse(run.err.contains("\tat "), "no stack trace: " + run.err);
        });
    }

    private static DynamicTest result(String name, Setup setup, Check check) {
        return DynamicTest.dynamicTest(name, () -> {
            CliRun run = CliRun.of(setup.args());
            assertEquals(0, run.exitCode, run.toString());
            JsonNode s = JSON.readTree(run.out);
            System.out.println("[malformed] " + name + " -> exit 0: rows " + s.get("rows") + ", mean " + s.get("mean")
                    + (s.has("groups") ? ", groups " + s.get("groups").size() : ""));
            check.check(s);
        });
    }

    interface Setup {
        String[] args() throws Exception;
    }

    interface Check {
        void check(JsonNode summary) throws Exception;
    }

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    @TestFactory
    Stream<DynamicTest> malformedInputs() {
        return Stream.of(
            error("corrupt Parquet file", 2, "cannot read", () -> {
                Path p = tmp.resolve("corrupt.parquet");
                Files.write(p, "PAR1 this is not a parquet file at all".getBytes());
                return new String[] {"evaluate", "--input", p.toString()};
            }),
            error("corrupt Parquet file among good ones", 1, "evaluation failed, nothing written", () -> {
                Path dir = tmp.resolve("partly-corrupt");
                parquet(dir, 30, 4, 1, 2);
                Files.write(dir.resolve("part-99999-broken.parquet"), new byte[] {'P', 'A', 'R', '1', 0, 1, 2, 3});
                return new String[] {"evaluate", "--input", dir.toString()};
            }),
            error("logits of strings that are not numbers", 1, "non-numeric element at position 0", () -> {
                Path p = tmp.resolve("strings.jsonl");
                Files.writeString(p, "{\"logits\": [\"a\", \"b\"], \"target\": 0}\n");
                return new String[] {"evaluate", "--input", p.toString()};
            }),
            error("wrong schema: no target column", 2, "column 'target' (target) not found", () -> {
                Path p = tmp.resolve("notarget.jsonl");
                Files.writeString(p, "{\"logits\": [1.0, 2.0], \"label\": 0}\n");
                return new String[] {"evaluate", "--input", p.toString()};
            }),
            error("empty folder", 2, "--input: cannot read", () -> {
                Path dir = Files.createDirectories(tmp.resolve("empty-dir"));
                return new String[] {"evaluate", "--input", dir.toString(), "--format", "parquet"};
            }),
            error("empty JSON file", 2, "not found", () -> {
                Path p = tmp.resolve("empty.jsonl");
                Files.writeString(p, "");
                return new String[] {"evaluate", "--input", p.toString()};
            }),
            error("a path with no files", 2, "--input: no such file or folder", () ->
                new String[] {"evaluate", "--input", tmp.resolve("nothing-here/*.parquet").toString()}),
            error("CSV with non-numeric logits", 1, "row 1 of file:", () -> {
                Path p = tmp.resolve("text.csv");
                Files.writeString(p, "id,logits,target\n1,\"[1.0, 2.0, 3.0]\",0\n2,\"[1.0, abc, 3.0]\",1\n");
                return new String[] {"evaluate", "--input", p.toString()};
            }),
            result("empty Parquet input (schema, no rows)", () -> {
                Path p = tmp.resolve("no-rows.parquet");
                SharedSpark.get().createDataFrame(List.of(), FLOAT_ROWS).write().parquet(p.toString());
                return new String[] {"evaluate", "--input", p.toString()};
            }, s -> {
                assertEquals("NaN", s.get("mean").asText());
                assertEquals(0.0, s.get("sum").doubleValue(), 0.0);
                assertEquals(0, s.get("rows").asLong());
            }),
            result("JSON with NaN tokens", () -> {
                Path p = tmp.resolve("nan-tokens.jsonl");
                Files.writeString(p, "{\"logits\": [NaN, 1.0, 2.0], \"target\": 1}\n"
                        + "{\"logits\": [0.0, 1.0, 2.0], \"target\": 2}\n");
                return new String[] {"evaluate", "--input", p.toString()};
            }, s -> {
                assertEquals("NaN", s.get("mean").asText(), "NaN propagates, as in torch");
                assertEquals(1, s.get("non_finite").asLong());
                assertEquals(1, s.get("non_finite_inputs").asLong());
            }),
            result("C = 256,000", () -> {
                Path p = tmp.resolve("c256k.parquet");
                LossState expected = parquet(p, 3, 256_000, 1, 3);
                Files.writeString(tmp.resolve("c256k.expected"), Double.toString(expected.mean()));
                return new String[] {"evaluate", "--input", p.toString()};
            }, s -> {
                assertEquals(256_000, s.get("classes").asInt());
                assertEquals(Double.parseDouble(Files.readString(tmp.resolve("c256k.expected"))),
                        number(s.get("mean")), 0.0);
            }),
            result("10,000 groups", () -> {
                Path p = tmp.resolve("groups.parquet");
                LossState expected = parquet(p, 30_000, 3, 10_000, 4);
                Files.writeString(tmp.resolve("groups.expected"), Double.toString(expected.mean()));
                return new String[] {"evaluate", "--input", p.toString(), "--group-by", "g"};
            }, s -> {
                assertEquals(10_000, s.get("groups").size());
                assertEquals(Double.parseDouble(Files.readString(tmp.resolve("groups.expected"))),
                        number(s.get("mean")), 0.0);
                long rows = 0;
                for (JsonNode g : s.get("groups")) {
                    rows += g.get("rows").asLong();
                }
                assertEquals(30_000, rows);
            }),
            result("one row of 1,000,000 logits", () -> {
                Path p = tmp.resolve("million.parquet");
                LossState expected = parquet(p, 1, 1_000_000, 1, 5);
                Files.writeString(tmp.resolve("million.expected"), Double.toString(expected.mean()));
                return new String[] {"evaluate", "--input", p.toString()};
            }, s -> {
                assertEquals(1_000_000, s.get("classes").asInt());
                assertEquals(Double.parseDouble(Files.readString(tmp.resolve("million.expected"))),
                        number(s.get("mean")), 0.0);
            }),
            result("valid input (control)", () -> new String[] {"evaluate", "--input", valid.toString()},
                s -> assertEquals(20, s.get("rows").asLong())));
    }

}
