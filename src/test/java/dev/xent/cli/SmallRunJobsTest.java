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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark jobs of one small {@code xent evaluate}, counted by a listener: a run that is told C ({@code --classes},
 * or a {@code --weight} list) reads no first row to learn it, and a grouped run sorts its groups without a job; the
 * results and the error of a first row of another length are the same as when C is learned. A small JSON file's C
 * comes from its sample on the driver ({@link JsonSchemaSample}), and Parquet's is guessed from the footers
 * ({@link ParquetFooterLengths}), so they need no first-row job either.
 */
class SmallRunJobsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SAMPLE = "data/digits/logits.jsonl";
    /** Each job of the run under way: its id and its stages' names (Spark names a stage by its call site). */
    static final List<String> JOBS = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path tmp;
    static Path parquet;

    @BeforeAll
    static void listen() {
        SparkSession spark = SharedSpark.get();
        parquet = tmp.resolve("digits.parquet");
        spark.read().json(SAMPLE).write().parquet(parquet.toString());
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                StringBuilder s = new StringBuilder("job " + start.jobId() + ":");
                for (StageInfo stage : CollectionConverters.asJava(start.stageInfos())) {
                    s.append(" [").append(stage.name()).append(", ").append(stage.numTasks()).append(" tasks]");
                }
                JOBS.add(s.toString());
            }
        });
    }

    /** The run's summary and, first, the jobs it ran (printed, one line each). */
    static List<String> jobs(List<String> args, JsonNode[] summary) throws Exception {
        SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
        JOBS.clear();
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode, run.toString());
        SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
        List<String> jobs = new ArrayList<>(JOBS);
        System.out.println("[jobs] " + jobs.size() + ": " + String.join(" ", args) + "\n    "
                + String.join("\n    ", jobs));
        summary[0] = JSON.readTree(run.out);
        return jobs;
    }

    static List<String> args(String input, String... more) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", input));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aRunToldCReadsNoFirstRowAndGroupsSortWithoutAJob() throws Exception {
        String ones = String.join(",", Collections.nCopies(10, "1"));
        for (String input : List.of(SAMPLE, parquet.toString())) {
            JsonNode[] learned = new JsonNode[1];
            JsonNode[] told = new JsonNode[1];
            List<String> learning = jobs(args(input), learned);
            // C from the JSON file's sample on the driver, or guessed from the Parquet footers (and right)
            assertFalse(learning.stream().anyMatch(j -> j.contains("EvaluationSpec")), "no first-row job: "
                    + learning);
            int firstRowJob = 0;
            for (List<String> given : List.of(args(input, "--classes", "10"), args(input, "--weight", ones))) {
                List<String> jobs = jobs(given, told);
                assertFalse(jobs.stream().anyMatch(j -> j.contains("EvaluationSpec")), "no first-row job: " + jobs);
                assertEquals(learning.size() - firstRowJob, jobs.size(), "no first-row job: " + jobs);
                for (String figure : List.of("mean", "sum", "rows", "classes")) {
                    assertEquals(learned[0].get(figure).asText(), told[0].get(figure).asText(), figure);
                }
            }
            JsonNode[] grouped = new JsonNode[1];
            List<String> groupedJobs = jobs(args(input, "--classes", "10", "--group-by", "split"), grouped);
            assertEquals(learning.size() - firstRowJob, groupedJobs.size(), "groups sorted without a job: "
                    + groupedJobs);
            assertEquals(List.of("test", "train"), List.of(grouped[0].get("groups").get(0).get("key").get("split")
                    .asText(), grouped[0].get("groups").get(1).get("key").get("split").asText()));
            for (String format : List.of("parquet", "json")) {
                jobs(args(input, "--classes", "10", "--reduction", "none", "--output-format", format, "--output",
                        tmp.resolve("rows-" + format + "-" + input.length()).toString()), told);
                assertEquals(learned[0].get("sum").asText(), told[0].get("sum").asText());
            }
        }
    }

    @Test
    void aFilteredJsonFileStillLearnsCWithAJob() throws Exception {
        JsonNode[] summary = new JsonNode[1];
        List<String> jobs = jobs(args(SAMPLE, "--where", "id >= 0"), summary);
        assertTrue(jobs.stream().anyMatch(j -> j.contains("EvaluationSpec")), "the first-row job: " + jobs);
        assertEquals(10, summary[0].get("classes").asInt());
    }

    /**
     * A JSON file with a row of another length than the first: read as one small file (C from the sample, no job)
     * and as the folder holding it (C from the first-row job), the run fails, quarantines or refuses --classes the
     * same way: the same exit code, standard output and error.
     */
    @Test
    void rowsOfAnotherLengthFailTheSameWithoutTheFirstRowJob() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(SAMPLE)).subList(0, 6);
        List<String> text = new ArrayList<>(List.of("", // a blank line and a row without logits first
                "{\"id\":-1,\"split\":\"test\",\"logits\":[],\"target\":0}"));
        text.addAll(lines.subList(0, 3));
        text.add(lines.get(3).replaceFirst("\"logits\":\\[([^,]*),([^,]*),([^,]*),[^\\]]*\\]",
                "\"logits\":[$1,$2,$3]"));
        text.addAll(lines.subList(4, 6));
        Path folder = tmp.resolve("other-length");
        Files.createDirectories(folder);
        Path file = folder.resolve("rows.jsonl");
        Files.write(file, text);
        String[][] cases = {{}, {"--on-invalid", "quarantine"}, {"--classes", "4"}, {"--classes", "10"}};
        int[] exitCodes = {1, 0, 2, 1}; // an invalid row; two rejected; --classes against the first row; invalid
        for (int c = 0; c < cases.length; c++) {
            String[] options = cases[c];
            CliRun[] runs = new CliRun[2];
            for (int i = 0; i < 2; i++) {
                List<String> args = args(i == 0 ? file.toString() : folder.toString(), "--format", "json");
                args.addAll(List.of(options));
                if (options.length > 0 && options[0].equals("--on-invalid")) {
                    args.addAll(List.of("--output", tmp.resolve("quarantine-" + i).toString()));
                }
                SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
                JOBS.clear();
                runs[i] = CliRun.of(args.toArray(String[]::new));
                SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
                System.out.println("[jobs] " + JOBS.size() + ": " + String.join(" ", args) + " -> exit "
                        + runs[i].exitCode + "\n    " + String.join("\n    ", JOBS) + "\n" + runs[i].err.strip());
                assertEquals(i == 1, JOBS.stream().anyMatch(j -> j.contains("EvaluationSpec")),
                        "a first-row job for the folder only");
            }
            String what = String.join(" ", options);
            assertEquals(exitCodes[c], runs[0].exitCode, what);
            assertEquals(runs[1].exitCode, runs[0].exitCode, what);
            assertEquals(withoutPathAndTime(runs[1].err, file, folder).replace("quarantine-1", "quarantine-0"),
                    withoutPathAndTime(runs[0].err, file, folder), what);
            assertEquals(withoutPathAndTime(runs[1].out, file, folder), withoutPathAndTime(runs[0].out, file, folder),
                    what);
        }
    }

    /**
     * Parquet rows whose footers guess C wrong (5 rows of 10 values and 1 of 4: 54 values in 6 rows, so 9), and rows
     * of one length with a target out of range (the guess, 10, right): the run fails or quarantines exactly as when
     * the first row is read by a job ({@code --where true} turns the footers' guess off): the same exit code, error
     * and figures. Either costs the first-row job (the guess is checked once a row is invalid or rejected); a wrong
     * guess also a second scan.
     */
    @Test
    void aGuessFromTheFootersFailsAndQuarantinesAsTheFirstRowJob() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(SAMPLE)).subList(0, 6);
        List<String> shorter = new ArrayList<>(lines);
        shorter.set(3, lines.get(3).replaceFirst("\"logits\":\\[([^,]*),([^,]*),([^,]*),([^,]*),[^\\]]*\\]",
                "\"logits\":[$1,$2,$3,$4]"));
        List<String> badTarget = new ArrayList<>(lines);
        badTarget.set(3, lines.get(3).replaceFirst("\"target\":[0-9]+", "\"target\":12"));
        for (Map.Entry<String, List<String>> input : List.of(Map.entry("wrong-guess", shorter),
                Map.entry("right-guess", badTarget))) {
            Path json = tmp.resolve(input.getKey() + ".jsonl");
            Files.write(json, input.getValue());
            Path folder = tmp.resolve(input.getKey());
            SharedSpark.get().read().json(json.toString()).coalesce(1).write().parquet(folder.toString());
            assertEquals(Map.of("logits", input.getKey().equals("wrong-guess") ? 9 : 10),
                    ParquetFooterLengths.guess(SharedSpark.get().sparkContext().hadoopConfiguration(),
                            folder.toString()));
            for (String[] options : List.of(new String[0], new String[] {"--on-invalid", "quarantine"})) {
                CliRun[] runs = new CliRun[2];
                List<List<String>> jobs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    List<String> args = args(folder.toString());
                    args.addAll(List.of(options));
                    if (i == 1) {
                        args.addAll(List.of("--where", "true"));
                    }
                    if (options.length > 0) {
                        args.addAll(List.of("--output", tmp.resolve("guess-" + input.getKey() + "-" + i).toString()));
                    }
                    SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
                    JOBS.clear();
                    runs[i] = CliRun.of(args.toArray(String[]::new));
                    SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty();
                    jobs.add(new ArrayList<>(JOBS));
                    System.out.println("[jobs] " + JOBS.size() + ": " + String.join(" ", args) + " -> exit "
                            + runs[i].exitCode + "\n    " + String.join("\n    ", JOBS) + "\n" + runs[i].err.strip());
                }
                String what = input.getKey() + " " + String.join(" ", options);
                assertEquals(options.length == 0 ? 1 : 0, runs[0].exitCode, what);
                assertEquals(runs[1].exitCode, runs[0].exitCode, what);
                assertEquals(withoutPathAndTime(runs[1].err, json, folder).replace("-1", "-0"),
                        withoutPathAndTime(runs[0].err, json, folder).replace("-1", "-0"), what);
                if (runs[0].exitCode == 0) {
                    JsonNode guessed = JSON.readTree(runs[0].out);
                    JsonNode read = JSON.readTree(runs[1].out);
                    for (String figure : List.of("rows", "scored", "rejected", "classes", "mean", "sum")) {
                        assertEquals(read.get(figure).asText(), guessed.get(figure).asText(), what + ": " + figure);
                    }
                    assertEquals(1, guessed.get("rejected").asInt(), what);
                    assertEquals(10, guessed.get("classes").asInt(), what);
                }
                assertTrue(jobs.get(0).stream().anyMatch(j -> j.contains("EvaluationSpec")), "the guess checked: "
                        + jobs.get(0));
            }
        }
    }

    /** The text with the file's and folder's paths as FILE and the run's time and rate left out. */
    static String withoutPathAndTime(String text, Path file, Path folder) {
        return text.replace(file.toString(), "FILE").replace(folder.toString(), "FILE")
                .replaceAll("in [0-9.]+ s \\([0-9]+ rows/s\\)", "");
    }

    @Test
    void aFirstRowOfAnotherLengthThanCIsStillABadOption() {
        for (String policy : List.of("fail", "quarantine")) {
            Path out = tmp.resolve("refused-" + policy);
            CliRun run = CliRun.of("evaluate", "--input", parquet.toString(), "--classes", "4", "--on-invalid", policy,
                    "--reduction", "none", "--output", out.toString());
            assertEquals(2, run.exitCode, run.toString());
            assertEquals("xent: --classes: gives 4 classes but the first row of column 'logits' has 10 values",
                    run.err.strip());
            assertEquals("", run.out);
            assertFalse(Files.exists(out.resolve("summary.json")), "nothing written");
        }
    }
}
