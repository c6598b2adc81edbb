package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.xent.spark.Evaluation;
import dev.xent.spark.InputColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON schema found on the driver ({@link JsonSchemaSample}) is the one Spark's inference gives, whenever it
 * gives one; and for every file it cannot be sure of, it gives none, so Spark infers it as before.
 */
class JsonSchemaSampleTest {
    @TempDir
    static Path tmp;

    static StructType sampled(String name, String text) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        return infer(file.toString());
    }

    /** The sampled schema of the file at {@code path}, or null when the sample cannot tell. */
    static StructType infer(String path) {
        JsonSchemaSample.Sample s = JsonSchemaSample.sample(SharedSpark.get().sparkContext().hadoopConfiguration(),
                path);
        return s == null ? null : s.schema();
    }

    static StructType spark(String name) {
        SparkSession spark = SharedSpark.get();
        return InputFormat.JSON.reader(spark).load(tmp.resolve(name).toString()).schema();
    }

    @Test
    void theSchemaIsSparksWheneverOneIsGiven() throws IOException {
        String[][] files = {
            {"plain.jsonl", "{\"id\":0,\"split\":\"test\",\"logits\":[1.5,-2.0],\"target\":1}\n"
                    + "{\"id\":1,\"split\":\"train\",\"logits\":[0.5,NaN],\"target\":0}\n"},
            {"widened.jsonl", "{\"b\":1,\"a\":[1,2],\"c\":true}\n\n{\"b\":2.5,\"a\":[3.5,null],\"c\":null}\r\n"
                    + "{\"b\":null,\"a\":[],\"c\":false,\"d\":'x'}\n"},
            {"sequences.jsonl", "{\"logits\":[[1.0,2.0],[3,4]],\"target\":[0,1]}\n{\"logits\":[],\"target\":[]}\n"},
            {"strings.jsonl", "{\"logits\":[\"NaN\",\"1.5\"],\"target\":0}\n{\"logits\":[\"-Infinity\",\"2\"],"
                    + "\"target\":1}\n"},
            {"infinities.jsonl", "{\"logits\":[Infinity,-Infinity,1e308],\"target\":0,\"w\":-0}\n"},
        };
        for (String[] f : files) {
            StructType sampled = sampled(f[0], f[1]);
            assertNotNull(sampled, f[0]);
            assertEquals(spark(f[0]), sampled, f[0]);
        }
        StructType digits = infer("data/digits/logits.jsonl");
        assertEquals(InputFormat.JSON.reader(SharedSpark.get()).load("data/digits/logits.jsonl").schema(), digits);
    }

    @Test
    void filesItCannotBeSureOfAreLeftToSpark() throws IOException {
        String[][] files = {
            {"mixed.jsonl", "{\"target\":1}\n{\"target\":\"one\"}\n"},
            {"nulls.jsonl", "{\"target\":1,\"group\":null}\n"},
            {"empty-arrays.jsonl", "{\"target\":1,\"logits\":[]}\n"},
            {"object.jsonl", "{\"target\":1,\"logits\":{\"type\":1,\"values\":[1.0]}}\n"},
            {"corrupt.jsonl", "{\"target\":1}\nnot json\n"},
            {"not-object.jsonl", "[1,2]\n"},
            {"big.jsonl", "{\"target\":123456789012345678901234567890}\n"},
            {"case.jsonl", "{\"Target\":1,\"target\":2}\n"},
            {"duplicate.jsonl", "{\"target\":1,\"target\":2}\n"},
            {"trailing.jsonl", "{\"target\":1} {\"target\":2}\n"},
            {"blank.jsonl", "\n\n"},
            {"empty-name.jsonl", "{\"\":1,\"target\":2}\n"}, // Spark drops the field named ""
            {"copying.jsonl._COPYING_", "{\"target\":1}\n"}, // Spark skips a file being copied
        };
        for (String[] f : files) {
            assertNull(sampled(f[0], f[1]), f[0]);
        }
        assertNull(infer(tmp.toString()), "a folder");
        Path latin1 = tmp.resolve("latin1.jsonl"); // Spark's parser makes the line a corrupt record
        Files.write(latin1, "{\"target\":\"caf\u00e9\"}\n{\"target\":\"z\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertNull(infer(latin1.toString()),
                "bytes that are not UTF-8");
    }

    /**
     * The first-row length the sample gives for a logits column is the one the first-row job finds (the job runs
     * here: the evaluation is not told it), for rows, sequences, nulls, empty arrays and blank lines first, another
     * column name, and a column with no row of logits.
     */
    @Test
    void theFirstRowLengthIsTheFirstRowJobs() throws IOException {
        String[][] files = { // name, logits column, text
            {"len-plain.jsonl", "logits", "{\"logits\":[1.5,2,3],\"target\":1}\n{\"logits\":[1.0],\"target\":0}\n"},
            {"len-late.jsonl", "logits", "\n  \n{\"logits\":null,\"target\":1}\n{\"target\":1}\n"
                    + "{\"logits\":[],\"target\":0}\r\n{\"logits\":[null,2.5],\"target\":1}\n"
                    + "{\"logits\":[1,2,3,4.5],\"target\":1}\n"},
            {"len-scores.jsonl", "scores", "{\"scores\":[],\"logits\":[1.0],\"label\":0}\n"
                    + "{\"scores\":[1.0,2],\"logits\":[1.0,2.0,3.0],\"label\":0}\n"},
            {"len-case.jsonl", "LOGITS", "{\"logits\":[],\"target\":0}\n{\"logits\":[1,2.5],\"target\":0}\n"},
            {"len-seq.jsonl", "logits", "{\"logits\":[],\"target\":[]}\n{\"logits\":[null,[1,2.5]],\"target\":[0,1]}\n"
                    + "{\"logits\":[[],[1,2,3]],\"target\":[0,1]}\n{\"logits\":[[1,2],[1,2,3]],\"target\":[0,1]}\n"},
            {"len-seq-none.jsonl", "logits", "{\"logits\":[[],[1.5]],\"target\":[0,0]}\n"},
        };
        SparkSession spark = SharedSpark.get();
        for (String[] f : files) {
            Path file = tmp.resolve(f[0]);
            Files.writeString(file, f[2]);
            JsonSchemaSample.Sample sample = JsonSchemaSample.sample(spark.sparkContext().hadoopConfiguration(),
                    file.toString());
            assertNotNull(sample, f[0]);
            Dataset<Row> df = InputFormat.JSON.reader(spark).schema(sample.schema()).load(file.toString());
            Evaluation job = Evaluation.of(df).logitsColumn(f[1])
                    .targetColumn(df.schema().getFieldIndex("label").isDefined() ? "label" : "target");
            InputColumns columns = job.checkColumns();
            int expected = job.firstRowClasses(columns);
            assertEquals(expected, sample.firstLengths().get(columns.logitsName()), f[0]);
            Evaluation told = Evaluation.of(df).logitsColumn(f[1]).targetColumn(job.checkColumns().targetName())
                    .firstRowLengths(sample.firstLengths());
            assertEquals(expected, told.firstRowClasses(told.checkColumns()), f[0]);
        }
    }
}
