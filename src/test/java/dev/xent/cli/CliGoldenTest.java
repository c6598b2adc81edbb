package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every golden case with rows (random, named and large-vocabulary: 1,267 cases) through {@code xent evaluate}, the
 * command {@code bin/xent} runs, against torch's values and the exact ones ({@link TorchMatch}): each case's sum,
 * mean and every row's loss.
 *
 * <p>One run fixes C and the options, and the golden cases draw theirs at random (the 1,267 cases make 1,194 option
 * sets), so there is one run per option set: {@code evaluate --input set-N.jsonl --group-by case --id-cols case,id
 * --reduction none} with the set's {@code --classes}, {@code --weight}, {@code --ignore-index},
 * {@code --label-smoothing} and {@code --input-kind}, writing {@code summary.json} (each case's sum and mean) and
 * {@code rows/} (each row's loss, JSON) to an output folder. Each run goes through the command's whole code path:
 * parse, the output claim, reading the JSON Lines file, the scan, the per-row write and the folder's commit.
 *
 * <p>What keeps 1,194 runs within a few minutes: a small run's own cost (a JSON file's schema is found on the driver,
 * not by a job; {@code --classes} spares the job that reads the first row; the groups are sorted without a job), and
 * runs going {@value #THREADS} at a time in-process ({@link Main#run}), each thread on its own session of the test
 * JVM's SparkContext, as separate users of one cluster would. What {@code bin/xent} adds, the JVM launch, is tested
 * by {@code DeployedJarIT} and {@code SampleRunIT}. The number of cases checked is asserted, so an empty or short
 * golden file cannot pass.
 */
@Tag("slow")
class CliGoldenTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Runs at a time. */
    static final int THREADS = 2;
    /** The golden files whose cases have rows and torch's values, and how many such cases each holds. */
    static final Map<String, Integer> FILES = Map.of("random.jsonl", 1189, "named.jsonl", 74,
            "large_vocab.jsonl", 4);

    @TempDir
    static Path tmp;

    @Test
    void everyGoldenCaseThroughTheCommandGivesTorchsNumbers() throws Exception {
        List<List<GoldenCase>> sets = new ArrayList<>();
        int cases = 0;
        for (String file : List.of("large_vocab.jsonl", "named.jsonl", "random.jsonl")) {
            List<List<GoldenCase>> fileSets = optionSets(GoldenCase.load(file));
            int n = fileSets.stream().mapToInt(List::size).sum();
            assertEquals(FILES.get(file), n, file + ": cases with rows and torch's values");
            sets.addAll(fileSets);
            cases += n;
        }
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        int checked = 0;
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < sets.size(); i++) {
                int set = i;
                runs.add(pool.submit(() -> run(set, sets.get(set))));
            }
            for (Future<Integer> run : runs) {
                checked += get(run);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "[cli-golden] %d cases in %d runs (%d at a time): %.1f s, %.3f s a run; %s%n",
                checked, sets.size(), THREADS, seconds, seconds * THREADS / sets.size(), TorchMatch.report());
        assertEquals(cases, checked, "cases checked through xent evaluate");
    }

    /** The cases with rows and torch's values, grouped by their options (C, weight, ignore index, ...). */
    static List<List<GoldenCase>> optionSets(List<GoldenCase> cases) {
        Map<String, List<GoldenCase>> sets = new LinkedHashMap<>();
        for (GoldenCase c : cases) {
            if (c.node.has("expected") && c.logits.length > 0) {
                String key = c.classes + " " + Arrays.toString(c.weight) + " " + c.ignoreIndex + " "
                        + c.labelSmoothing + " " + c.inputKind + " " + c.hasProbabilityTargets();
                sets.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            }
        }
        return new ArrayList<>(sets.values());
    }

    /** Writes one set's rows as JSON Lines: {@code case}, {@code id}, {@code logits}, {@code target}. */
    static Path writeRows(int set, List<GoldenCase> cases) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (GoldenCase c : cases) {
            for (int i = 0; i < c.logits.length; i++) {
                rows.append("{\"case\":\"").append(c.name).append("\",\"id\":").append(i).append(",\"logits\":")
                        .append(numbers(c.logits[i])).append(",\"target\":")
                        .append(c.hasProbabilityTargets() ? numbers(c.probabilities[i]) : c.targets[i]).append("}\n");
            }
        }
        return Files.writeString(tmp.resolve("set-" + set + ".jsonl"), rows);
    }

    /** One {@code xent evaluate} run over the cases of one option set; returns how many cases it checked. */
    static int run(int set, List<GoldenCase> cases) throws IOException {
        SparkSession.setActiveSession(Sessions.SESSION.get()); // the command's getOrCreate() finds this thread's
        Path input = writeRows(set, cases);
        Path output = tmp.resolve("out-" + set);
        GoldenCase first = cases.get(0);
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", input.toString(),
                "--group-by", "case", "--id-cols", "case,id", "--reduction", "none",
                "--classes", String.valueOf(first.classes), "--ignore-index", String.valueOf(first.ignoreIndex),
                "--label-smoothing", String.valueOf(first.labelSmoothing),
                "--input-kind", first.node.get("input_kind").asText(), "--output", output.toString(),
                "--output-format", "json"));
        if (first.weight != null) {
            args.addAll(List.of("--weight", numbers(first.weight).replaceAll("[\\[\\]]", "")));
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode, cases + ": " + run);
        Map<String, double[]> none = new HashMap<>();
        try (Stream<Path> files = Files.list(output.resolve("rows"))) {
            for (Path part : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode r = JSON.readTree(line);
                    String name = r.get("case").asText();
                    double[] losses = none.computeIfAbsent(name, n -> new double[byName(cases, n).logits.length]);
                    losses[r.get("id").asInt()] = GoldenCase.number(r.get("loss"));
                }
            }
        }
        JsonNode groups = JSON.readTree(output.resolve("summary.json").toFile()).get("groups");
        assertEquals(cases.size(), groups.size(), "one group a case: " + cases);
        for (JsonNode g : groups) {
            GoldenCase c = byName(cases, g.get("key").get("case").asText());
            JsonNode expected = c.node.get("expected");
            TorchMatch.check(c.name + " cli sum", expected.get("sum"), c.exact("sum"), GoldenCase.number(g.get("sum")));
            TorchMatch.check(c.name + " cli mean", expected.get("mean"), c.exact("mean"),
                    GoldenCase.number(g.get("mean")));
            double[] torchNone = GoldenCase.numbers(expected.get("none"));
            double[] exactNone = GoldenCase.numbers(c.exact("none"));
            double[] losses = none.get(c.name);
            assertEquals(torchNone.length, losses == null ? 0 : losses.length, c.name + " cli: rows");
            for (int i = 0; i < losses.length; i++) {
                TorchMatch.check(c.name + " cli none[" + i + "]", torchNone[i], exactNone[i], losses[i]);
            }
        }
        return groups.size();
    }

    /** Each thread's own session of the shared SparkContext: its own settings and views. */
    private static final class Sessions {
        static final ThreadLocal<SparkSession> SESSION = ThreadLocal.withInitial(() -> SharedSpark.get().newSession());
    }

    /** The run's result, or its failure (an assertion's own message) rethrown. */
    static int get(Future<Integer> run) throws Exception {
        try {
            return run.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    static GoldenCase byName(List<GoldenCase> cases, String name) {
        return cases.stream().filter(c -> c.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no case " + name));
    }

    /** A JSON array of doubles, each written so that it reads back to the same bits (NaN and infinities bare). */
    static String numbers(double[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ",").append(Double.toString(values[i]));
        }
        return s.append(']').toString();
    }
}
