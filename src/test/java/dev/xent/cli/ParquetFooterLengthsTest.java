package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C guessed from Parquet footers ({@link ParquetFooterLengths}): the rows' one length when they have one, across
 * files and row groups; no guess when the counts cannot be one length; and, since a footer cannot see rows, a wrong
 * guess for rows of several lengths whose mean is whole (which {@code EvaluateCommand} checks:
 * {@code SmallRunJobsTest}).
 */
class ParquetFooterLengthsTest {
    @TempDir
    static Path tmp;

    static Map<String, Integer> guess(Path path) {
        return ParquetFooterLengths.guess(SharedSpark.get().sparkContext().hadoopConfiguration(), path.toString());
    }

    /** The rows of {@code sql} (a SELECT over {@code range(n)}) written as Parquet into {@code name}, in {@code files} files. */
    static Path write(String name, String sql, int files) {
        Path out = tmp.resolve(name);
        Dataset<Row> rows = SharedSpark.get().sql(sql);
        rows.repartition(files).write().parquet(out.toString());
        return out;
    }

    @Test
    void rowsOfOneLengthGiveThatLengthForEveryListOfFloatsOrDoubles() {
        Path out = write("one-length", "SELECT id, transform(sequence(1, 7), x -> CAST(x * id AS float)) AS logits, "
                + "transform(sequence(1, 3), x -> CAST(x AS double)) AS probs, sequence(1, 5) AS ints, "
                + "array(array(1.0D, 2.0D)) AS nested, CAST(id % 7 AS bigint) AS target FROM range(1000)", 3);
        assertEquals(Map.of("logits", 7, "probs", 3), guess(out));
        // One file alone, and a glob: the same.
        try (var files = Files.list(out)) {
            Path one = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            assertEquals(Map.of("logits", 7, "probs", 3), guess(one));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(Map.of("logits", 7, "probs", 3), guess(Path.of(out + "/part-*")));
    }

    @Test
    void manyRowGroupsAndEmptyFilesAgree() {
        SparkSession spark = SharedSpark.get();
        Path out = tmp.resolve("row-groups");
        spark.sql("SELECT transform(sequence(1, 300), x -> CAST(x AS double)) AS logits, 0L AS target "
                + "FROM range(4000)").coalesce(1).write().option("parquet.block.size", 1 << 20)
                .parquet(out.toString());
        spark.sql("SELECT transform(sequence(1, 300), x -> CAST(x AS double)) AS logits, 0L AS target "
                + "FROM range(0)").coalesce(1).write().mode("append").parquet(out.toString());
        assertEquals(Map.of("logits", 300), guess(out));
    }

    @Test
    void noGuessWhenTheCountsCannotBeOneLength() {
        // A null list and an empty list each store one value: 9 rows of 4 and one null give 37 values in 10 rows.
        assertEquals(Map.of(), guess(write("with-null", "SELECT IF(id = 3, NULL, array(1.0F, 2.0F, 3.0F, 4.0F)) "
                + "AS logits FROM range(10)", 1)));
        assertEquals(Map.of(), guess(write("with-empty", "SELECT IF(id = 3, array(), array(1.0F, 2.0F, 3.0F, 4.0F)) "
                + "AS logits FROM range(10)", 1)));
        // Files that disagree.
        Path two = tmp.resolve("two-lengths");
        SharedSpark.get().sql("SELECT array(1.0F, 2.0F) AS logits FROM range(5)").coalesce(1).write()
                .parquet(two.toString());
        SharedSpark.get().sql("SELECT array(1.0F, 2.0F, 3.0F) AS logits FROM range(5)").coalesce(1).write()
                .mode("append").parquet(two.toString());
        assertEquals(Map.of(), guess(two));
        // One value a row: not guessed (C = 1 and rows of nulls alone look alike).
        assertEquals(Map.of(), guess(write("one-value", "SELECT array(1.0F) AS logits FROM range(10)", 1)));
    }

    @Test
    void aMeanThatIsWholeIsGuessedThoughNoRowHasIt() {
        // 5 rows of 10 values and 1 of 4: 54 values in 6 rows. The guess, 9, is wrong; EvaluateCommand finds out.
        assertEquals(Map.of("logits", 9), guess(write("whole-mean", "SELECT transform(sequence(1, IF(id = 3, 4, "
                + "10)), x -> CAST(x AS double)) AS logits FROM range(6)", 1)));
    }

    @Test
    void noGuessForWhatIsNotParquetOrIsNotThere() throws IOException {
        Path mixed = write("with-text", "SELECT array(1.0F, 2.0F) AS logits FROM range(5)", 1);
        Files.writeString(mixed.resolve("notes.txt"), "not parquet");
        assertEquals(Map.of(), guess(mixed));
        Files.writeString(mixed.resolve("notes.txt"), "");
        assertEquals(Map.of(), guess(mixed));
        Files.delete(mixed.resolve("notes.txt"));
        Files.writeString(mixed.resolve(".hidden"), "skipped, as Spark skips it");
        Files.writeString(mixed.resolve("_ALSO_HIDDEN"), "skipped");
        assertEquals(Map.of("logits", 2), guess(mixed));
        assertEquals(Map.of(), guess(tmp.resolve("absent")));
        Path json = tmp.resolve("rows.jsonl");
        Files.writeString(json, "{\"logits\":[1,2],\"target\":0}\n");
        assertEquals(Map.of(), guess(json));
    }
}
