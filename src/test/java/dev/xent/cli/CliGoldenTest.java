package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden cases through {@code xent evaluate}, the command {@code bin/xent} runs, against torch's values and the exact
 * ones ({@link TorchMatch}): every named and large-vocabulary case with rows, and the random cases of every
 * {@value #RANDOM_STRIDE}th random option set (the whole suite goes through {@code Evaluation} and the SQL functions
 * in {@code SparkGoldenTest}).
 *
 * <p>One run fixes C and the options, and the golden cases draw theirs at random (1,267 cases with rows make 1,186
 * option sets), so the cases are grouped by option set: for each set, one JSON Lines file holding every row of its
 * cases ({@code case}, {@code id}, {@code logits}, {@code target}) and one run, {@code evaluate --group-by case
 * --id-cols case,id --reduction none} with the set's {@code --classes}, {@code --weight}, {@code --ignore-index},
 * {@code --label-smoothing} and {@code --input-kind}, writing {@code summary.json} (each case's mean and sum) and
 * {@code rows/} (each row's loss) to an output folder. The runs are in-process ({@link Main#run}, on the test JVM's
 * shared SparkSession); what {@code bin/xent} adds, the JVM launch, is tested by {@code DeployedJarIT}. A run costs
 * about half a second on an idle machine, so every set would take ten minutes; this selection keeps the test near one.
 * The number of cases checked is asserted, so an empty golden file cannot pass.
 */
@Tag("slow")
class CliGoldenTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every how many random option sets one runs. */
    static final int RANDOM_STRIDE = 20;

    @TempDir
    static Path tmp;

    @Test
    void goldenCasesThroughTheCommandGiveTorchsNumbers() throws IOException {
        List<List<GoldenCase>> chosen = new ArrayList<>();
        int named = 0;
        int random = 0;
        for (String file : List.of("random.jsonl", "named.jsonl", "large_vocab.jsonl")) {
            List<List<GoldenCase>> sets = optionSets(GoldenCase.load(file));
            for (int i = 0; i < sets.size(); i++) {
                if (!file.equals("random.jsonl") || i % RANDOM_STRIDE == 0) {
                    chosen.add(sets.get(i));
                    int n = sets.get(i).size();
                    named += file.equals("random.jsonl") ? 0 : n;
                    random += file.equals("random.jsonl") ? n : 0;
                }
            }
        }
        assertTrue(named > 60 && random > 50, "named and large-vocabulary cases " + named + ", random " + random);
        int checked = 0;
        long started = System.nanoTime();
        for (int i = 0; i < chosen.size(); i++) {
            checked += run(i, chosen.get(i));
        }
        System.out.printf(java.util.Locale.ROOT, "[cli-golden] %d cases (%d named or large-vocabulary, %d random) in "
                + "%d runs, %.1f s; %s%n", checked, named, random, chosen.size(), (System.nanoTime() - started) / 1e9,
                TorchMatch.report());
        assertEquals(named + random, checked, "cases checked through xent evaluate");
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

    /** One {@code xent evaluate} run over the cases of one option set; returns how many cases it checked. */
    static int run(int set, List<GoldenCase> cases) throws IOException {
        Path input = tmp.resolve("set-" + set + ".jsonl");
        Path output = tmp.resolve("out-" + set);
        StringBuilder rows = new StringBuilder();
        for (GoldenCase c : cases) {
            for (int i = 0; i < c.logits.length; i++) {
                rows.append("{\"case\":\"").append(c.name).append("\",\"id\":").append(i).append(",\"logits\":")
                        .append(numbers(c.logits[i])).append(",\"target\":")
                        .append(c.hasProbabilityTargets() ? numbers(c.probabilities[i]) : c.targets[i]).append("}\n");
            }
        }
        Files.writeString(input, rows);
        GoldenCase first = cases.get(0);
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", input.toString(), "--format", "json",
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
