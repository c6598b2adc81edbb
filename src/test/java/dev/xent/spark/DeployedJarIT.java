package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.LossState;
import dev.xent.it.Processes;
import dev.xent.report.SummaryJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of each supported Spark deploys, run as users run it: {@code bin/xent} (target/xent.jar on the
 * classpath of the Spark the build put in target/classpath.txt; under the {@code deployed-jar} profile, the jar
 * built for Spark 4.2 on Spark 4.0 or 4.1). A group-by with {@code --metrics --per-class} and
 * {@code --on-invalid quarantine}, and {@code --reduction none}, give the very bits the Spark-free core gives for
 * the same rows, whatever the Spark. ({@code SqlExtensionIT} does the same for the SQL functions.)
 */
class DeployedJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIGITS = Path.of("data/digits/logits.jsonl");
    private static final String RAGGED = "{\"id\":9001,\"split\":\"test\",\"logits\":[1.0,2.0],\"target\":1}";
    private static final String OUT_OF_RANGE =
            "{\"id\":9002,\"split\":\"train\",\"logits\":[1,2,3,4,5,6,7,8,9,10],\"target\":12}";

    @TempDir
    Path tmp;

    private static Processes xent(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/xent", "evaluate"));
        command.addAll(List.of(args));
        Processes run = Processes.run(command, Map.of(), 600);
        assertEquals(0, run.exitCode, run.toString());
        assertFalse(run.err.contains("building with Maven"), "bin/xent ran the jar as built: " + run.err);
        String classpath = Processes.runtimeClasspath();
        String spark = "spark-sql_2.13-" + System.getProperty("xent.tested.spark") + ".jar";
        assertTrue(classpath.contains(spark), "bin/xent runs on " + spark + ": " + classpath);
        return run;
    }

    @Test
    void groupByWithMetricsPerClassAndQuarantineGivesTheCoresBits() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(DIGITS));
        lines.add(RAGGED);
        lines.add(OUT_OF_RANGE);
        Path input = Files.write(tmp.resolve("digits-and-two-invalid.jsonl"), lines);
        Path out = tmp.resolve("out");
        xent("--input", input.toString(), "--group-by", "split", "--metrics", "--per-class", "--on-invalid",
                "quarantine", "--output", out.toString(), "--output-format", "json");

        CrossEntropyOptions options = CrossEntropyOptions.defaults();
        CrossEntropy kernel = new CrossEntropy(options, 10);
        LossState total = state(options);
        Map<String, LossState> groups = new TreeMap<>();
        for (String line : Files.readAllLines(DIGITS)) {
            JsonNode row = JSON.readTree(line);
            double[] x = new double[10];
            for (int c = 0; c < 10; c++) {
                x[c] = row.get("logits").get(c).doubleValue();
            }
            int y = row.get("target").asInt();
            LossState group = groups.computeIfAbsent(row.get("split").asText(), s -> state(options));
            kernel.add(group, x, y); // the state's figures (metrics, per-class) take the scored row
        }
        groups.get("test").addRejected(); // the ragged row
        groups.get("train").addRejected(); // the target out of range
        List<EvaluationResult.Group> expectedGroups = new ArrayList<>();
        groups.forEach((split, state) -> {
            total.merge(state);
            expectedGroups.add(new EvaluationResult.Group(Map.of("split", split), state));
        });
        ObjectNode expected = SummaryJson.of(new EvaluationResult(total, 10, expectedGroups), options,
                new LinkedHashMap<>(), new LinkedHashMap<>());
        ObjectNode actual = (ObjectNode) JSON.readTree(Files.readString(out.resolve("summary.json")));
        for (ObjectNode doc : List.of(expected, actual)) {
            doc.remove("input");
            doc.remove("options");
        }
        // Compared as written (JSON text read back): the same numbers as the same digits, every bit.
        assertEquals(JSON.readTree(SummaryJson.text(expected)), actual);

        List<String> rejected = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out.resolve("rejected"))) {
            for (Path part : parts.filter(p -> p.toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    rejected.add(JSON.readTree(line).get("id").asText());
                }
            }
        }
        rejected.sort(null);
        assertEquals(List.of("9001", "9002"), rejected);
    }

    private static LossState state(CrossEntropyOptions options) {
        // The figures --metrics --per-class ask for, made as the CLI makes them.
        LossState state = LossState.of(options, LossState.Targets.CLASS_INDEX);
        new ExtraFigures(true, 5, true).make(LossState.Targets.CLASS_INDEX, false, "target")
                .forEach(state::withFigure);
        return state;
    }

    @Test
    void reductionNoneWritesTheCoresLossForEveryRow() throws Exception {
        Path out = tmp.resolve("rows");
        xent("--input", DIGITS.toString(), "--reduction", "none", "--id-cols", "id", "--output", out.toString(),
                "--output-format", "json");
        Map<Long, Double> losses = new TreeMap<>();
        try (Stream<Path> parts = Files.list(out.resolve("rows"))) {
            for (Path part : parts.filter(p -> p.toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = JSON.readTree(line);
                    losses.put(row.get("id").asLong(), row.get("loss").doubleValue());
                }
            }
        }
        CrossEntropy kernel = new CrossEntropy(CrossEntropyOptions.defaults(), 10);
        List<String> lines = Files.readAllLines(DIGITS);
        assertEquals(lines.size(), losses.size());
        for (String line : lines) {
            JsonNode row = JSON.readTree(line);
            double[] x = new double[10];
            for (int c = 0; c < 10; c++) {
                x[c] = row.get("logits").get(c).doubleValue();
            }
            assertEquals(kernel.loss(x, row.get("target").asLong()), losses.get(row.get("id").asLong()), 0.0,
                    "row " + row.get("id"));
        }
    }
}
