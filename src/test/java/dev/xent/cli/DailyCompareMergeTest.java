package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three days of a baseline's and a candidate's outputs (folders partitioned by {@code day}, 1 to 3 files a day),
 * each day compared alone with {@code --state}, then merged: {@code comparison.json} and {@code report.html} are
 * the ones one {@code compare} over the three days writes, byte for byte but for the block naming what was read;
 * with groups found on some days only and a null key, bootstrap replicates, and keys on one side only (more than
 * the examples kept). Merge refuses another bootstrap and states of both kinds.
 */
class DailyCompareMergeTest {
    static final String[] DAYS = {"2026-11-01", "2026-11-02", "2026-11-03"};

    @TempDir
    static Path tmp;
    static Path baseline;
    static Path candidate;

    @BeforeAll
    static void writeDays() {
        SparkSession spark = SharedSpark.get();
        baseline = tmp.resolve("baseline");
        candidate = tmp.resolve("candidate");
        Random r = new Random(14);
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("model", DataTypes.StringType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("target", DataTypes.IntegerType);
        for (int d = 0; d < DAYS.length; d++) {
            List<Row> b = new ArrayList<>();
            List<Row> c = new ArrayList<>();
            for (int i = 0; i < 200 + 40 * d; i++) {
                int id = 1000 * d + i;
                String model = i % 7 == 0 && d == 0 ? null : d == 2 && i % 3 == 0 ? "c" : i % 2 == 0 ? "a" : "b";
                int target = i % 11 == 0 ? -100 : r.nextInt(5);
                b.add(RowFactory.create(id, model, logits(r), target));
                if (i % 37 != 5) { // some keys only in the baseline, every day
                    c.add(RowFactory.create(id, model, logits(r), target));
                }
            }
            spark.createDataFrame(b, schema).repartition(d + 1).write()
                    .parquet(baseline.resolve("day=" + DAYS[d]).toString());
            spark.createDataFrame(c, schema).repartition(3 - d).write()
                    .parquet(candidate.resolve("day=" + DAYS[d]).toString());
        }
    }

    static List<Double> logits(Random r) {
        List<Double> logits = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            logits.add(r.nextGaussian() * 3);
        }
        return logits;
    }

    static CliRun compare(String b, String c, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("compare", "--baseline", b, "--candidate", c, "--join-on", "id",
                "--group-by", "model", "--weight", "1,2,0.5,1.5,0.25", "--label-smoothing", "0.1", "--on-unmatched",
                "drop", "--bootstrap", "20", "--report", "--output", out.toString()));
        a.addAll(List.of(more));
        CliRun run = CliRun.of(a.toArray(new String[0]));
        assertEquals(ExitCode.OK, run.exitCode, run.toString());
        return run;
    }

    static CliRun day(int d, Path out, String... more) {
        return compare(baseline.resolve("day=" + DAYS[d]).toString(), candidate.resolve("day=" + DAYS[d]).toString(),
                out, more);
    }

    /** comparison.json from its options on: all but the block naming what was read. */
    static String numbers(Path json) throws Exception {
        String text = Files.readString(json);
        int at = text.indexOf("\"options\"");
        assertTrue(at > 0, text);
        return text.substring(at);
    }

    /** report.html without the paragraph naming what was read. */
    static String picture(Path html) throws Exception {
        String text = Files.readString(html);
        String head = "<h1>xent compare</h1><p>";
        int from = text.indexOf(head);
        assertTrue(from > 0, "the inputs paragraph");
        return text.substring(0, from) + text.substring(text.indexOf("</p>", from));
    }

    @Test
    void threeDaysComparedApartMergeToTheComparisonOfAllThreeDays() throws Exception {
        Path all = tmp.resolve("all");
        compare(baseline.toString(), candidate.toString(), all);
        List<String> states = new ArrayList<>(List.of("merge"));
        for (int d = 0; d < DAYS.length; d++) {
            Path out = tmp.resolve("day" + d);
            day(d, out, "--state");
            states.add(d == 1 ? out.resolve(StateFile.NAME).toString() : out.toString()); // a file or its folder
        }
        Path merged = tmp.resolve("merged");
        states.addAll(List.of("--report", "--output", merged.toString()));
        CliRun run = CliRun.of(states.toArray(new String[0]));
        assertEquals(ExitCode.OK, run.exitCode, run.toString());

        assertEquals(numbers(all.resolve("comparison.json")), numbers(merged.resolve("comparison.json")));
        assertEquals(picture(all.resolve("report.html")), picture(merged.resolve("report.html")));
        JsonNode json = new ObjectMapper().readTree(merged.resolve("comparison.json").toFile());
        assertEquals(4, json.get("groups").size(), "null, a, b, and c from the last day only");
        assertTrue(json.get("groups").get(0).get("key").get("model").isNull(), "the null key first");
        assertEquals(20, json.get("bootstrap").get("replicates").asInt());
        assertTrue(json.get("unmatched").get("only_in_baseline").asLong() > 10, "more than the examples kept");
        assertEquals("xent-state", json.get("inputs").get("format").asText());
    }

    @Test
    void mergeRefusesAnotherBootstrapSeedAndStatesOfBothKinds() throws Exception {
        Path seven = tmp.resolve("seed7");
        Path eight = tmp.resolve("seed8");
        day(0, seven, "--state", "--seed", "7");
        day(1, eight, "--state", "--seed", "8");
        CliRun seeds = CliRun.of("merge", seven.toString(), eight.toString(), "--output", tmp.resolve("m1").toString());
        assertEquals(ExitCode.BAD_INPUT, seeds.exitCode, seeds.toString());
        assertTrue(seeds.err.contains("other bootstrap: 20 replicates, seed 8 against 20 replicates, seed 7"),
                seeds.err);
        assertEquals(1, seeds.err.strip().lines().count(), seeds.err);
        assertFalse(Files.exists(tmp.resolve("m1")), "nothing written");

        Path evaluated = tmp.resolve("evaluated");
        CliRun evaluate = CliRun.of("evaluate", "--input", baseline.resolve("day=" + DAYS[0]).toString(),
                "--logits-col", "logits", "--target-col", "target", "--state", "--output", evaluated.toString());
        assertEquals(ExitCode.OK, evaluate.exitCode, evaluate.toString());
        CliRun kinds = CliRun.of("merge", evaluated.toString(), seven.toString());
        assertEquals(ExitCode.BAD_INPUT, kinds.exitCode, kinds.toString());
        assertTrue(kinds.err.contains("is a comparison state (compare --state) but " + evaluated
                + " is an evaluation state (evaluate --state); merge states of one kind"), kinds.err);
        assertEquals(1, kinds.err.strip().lines().count(), kinds.err);
    }
}
