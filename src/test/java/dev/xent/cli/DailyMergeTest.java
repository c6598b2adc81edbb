package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three days of model outputs in a folder partitioned by {@code day} (1, 2 and 3 files), each evaluated alone with
 * {@code --where}, {@code --state} and its own partition count (1, 2, 3), then merged: the summary and the report are the
 * ones a single evaluation over the three days writes, byte for byte but for the block naming what was read; per
 * group (a group present on some days only, a null key) and overall. Merge refuses states made differently.
 */
class DailyMergeTest {
    static final String[] DAYS = {"2026-11-01", "2026-11-02", "2026-11-03"};

    @TempDir
    static Path tmp;
    static Path data;
    static Path wide;

    @BeforeAll
    static void writeDays() {
        SparkSession spark = SharedSpark.get();
        data = tmp.resolve("outputs");
        Random r = new Random(15);
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("model", DataTypes.StringType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("target", DataTypes.IntegerType);
        for (int d = 0; d < DAYS.length; d++) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 300 + 50 * d; i++) {
                List<Double> logits = new ArrayList<>();
                for (int c = 0; c < 5; c++) {
                    logits.add(r.nextGaussian() * 4);
                }
                // model "c" only on the last day, a null model only on the first; ignored rows every day
                String model = i % 7 == 0 && d == 0 ? null : d == 2 && i % 3 == 0 ? "c" : i % 2 == 0 ? "a" : "b";
                rows.add(RowFactory.create(i, model, logits, i % 11 == 0 ? -100 : r.nextInt(5)));
            }
            spark.createDataFrame(rows, schema).repartition(d + 1).write()
                    .parquet(data.resolve("day=" + DAYS[d]).toString());
        }
        wide = tmp.resolve("wide");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(RowFactory.create(i, "a", List.of(0.5, 1.0, -2.0, 0.0, 3.0, 1.5), i % 6));
        }
        spark.createDataFrame(rows, schema).write().parquet(wide.toString());
    }

    static String where(int d) {
        return "day = '" + DAYS[d] + "'";
    }

    static String read(Path p) throws Exception {
        return Files.readString(p);
    }

    /** The summary from its options on: all but the input block, which names what was read. */
    static String numbers(String summary) {
        int at = summary.indexOf("\"options\"");
        assertTrue(at > 0, summary);
        return summary.substring(at);
    }

    /** The report without the two places that name the input. */
    static String reportNumbers(String html) {
        return html.replaceAll("<title>xent report: [^<]*</title>", "")
                .replaceAll("Input <code>[^<]*</code> \\([^)]*\\)", "");
    }

    @Test
    void threeDaysMergedAreOneRunOverTheThreeDays() throws Exception {
        List<String> merge = new ArrayList<>(List.of("merge"));
        for (int d = 0; d < DAYS.length; d++) {
            Path out = tmp.resolve("day" + d);
            CliRun run = CliRun.of("evaluate", "--input", data.toString(), "--where", where(d), "--group-by",
                    "model,day", "--report", "--state", "--partitions", Integer.toString(d + 1), "--output",
                    out.toString());
            assertEquals(0, run.exitCode, run.toString());
            assertTrue(Files.exists(out.resolve(StateFile.NAME)), run.toString());
            assertTrue(run.out.contains("\"where\" : \"" + where(d) + "\""), run.out);
            merge.add(out.toString());
        }
        Path merged = tmp.resolve("merged");
        merge.addAll(List.of("--output", merged.toString(), "--report", "--state"));
        CliRun m = CliRun.of(merge.toArray(new String[0]));
        assertEquals(0, m.exitCode, m.toString());
        Path all = tmp.resolve("all");
        CliRun one = CliRun.of("evaluate", "--input", data.toString(), "--group-by", "model,day", "--report",
                "--output", all.toString());
        assertEquals(0, one.exitCode, one.toString());

        String expected = read(all.resolve("summary.json"));
        String actual = read(merged.resolve("summary.json"));
        assertEquals(numbers(expected), numbers(actual));
        assertTrue(actual.contains("\"key\" : {\n      \"model\" : \"c\""), actual); // a group of one day
        assertTrue(actual.contains("\"model\" : null"), actual);
        assertTrue(expected.contains("\"accuracy\""), expected); // the report's figures are in both
        assertEquals(reportNumbers(read(all.resolve("report.html"))), reportNumbers(read(merged.resolve(
                "report.html"))));

        // A merged state merges again: the second and third days, then with the first, give the same summary.
        Path later = tmp.resolve("later");
        assertEquals(0, CliRun.of("merge", tmp.resolve("day1").toString(), tmp.resolve("day2").resolve(
                StateFile.NAME).toString(), "--state", "--output", later.toString()).exitCode);
        CliRun again = CliRun.of("merge", later.toString(), tmp.resolve("day0").toString());
        assertEquals(0, again.exitCode, again.toString());
        assertEquals(numbers(expected), numbers(again.out));
    }

    @Test
    void mergeRefusesStatesMadeDifferently() throws Exception {
        Path base = evaluate("base", "--group-by", "model");
        String[][] cases = {
            {"smoothing", "other options: label_smoothing 0.1 against 0.0", "--group-by", "model",
                "--label-smoothing", "0.1"},
            {"classes", "has C = 6 but an earlier state has C = 5", "--group-by", "model"},
            {"figures", "other figures", "--group-by", "model", "--metrics"},
            {"groups", "other group columns: [day date] against [model string]", "--group-by", "day"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(c).subList(2, c.length));
            Path other = evaluate(c[0], args.toArray(new String[0]));
            CliRun m = CliRun.of("merge", base.toString(), other.toString());
            assertEquals(2, m.exitCode, c[0] + ": " + m);
            assertTrue(m.err.contains(c[1]), c[0] + ": " + m.err);
            assertEquals(1, m.err.strip().split("\n").length, m.err);
        }
        CliRun missing = CliRun.of("merge", base.toString(), tmp.resolve("nowhere").toString());
        assertEquals(2, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("nowhere: no such state file or folder"), missing.err);
        CliRun notState = CliRun.of("merge", base.resolve("summary.json").toString());
        assertEquals(2, notState.exitCode, notState.toString());
        assertTrue(notState.err.contains("not an xent state file"), notState.err);
    }

    private static Path evaluate(String name, String... extra) {
        Path out = tmp.resolve("refuse-" + name);
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", data.toString(), "--where", where(0),
                "--state", "--output", out.toString()));
        args.addAll(List.of(extra));
        if (name.equals("classes")) { // the same options over rows of six logits
            args.set(args.indexOf(data.toString()), wide.toString());
            args.set(args.indexOf(where(0)), "true");
        }
        CliRun run = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, run.exitCode, run.toString());
        return out;
    }

    @Test
    void whereOnAPartitionedFolderReadsOnlyItsPartition() {
        InputSource source = new InputSource();
        source.where = where(1);
        Dataset<Row> df = source.read(SharedSpark.get(), InputFormat.PARQUET, data.toString());
        assertEquals(350, df.collectAsList().size());
        SparkPlan plan = df.queryExecution().executedPlan();
        assertTrue(plan.toString().contains("PartitionFilters: [isnotnull(day"), plan.toString());
        SparkPlan scan = plan.collectLeaves().head();
        assertEquals(2L, scan.metrics().get("numFiles").get().value(), "files read: day 2's two, of six");
    }
}
