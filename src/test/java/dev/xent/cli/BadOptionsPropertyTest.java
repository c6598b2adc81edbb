package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Bad options, systematically: generated combinations of options and values (negative, zero, huge, empty, NaN,
 * not a number, unknown {@code --config} keys, repeated flags), on a valid input or one with an invalid row. Every
 * run ends with exit code 0, 1 or 2; on 1 and 2, exactly one line on standard error, naming an option, a column or
 * the row, never a stack trace, and no output folder. Runs in process (on the shared test session): options
 * refused before Spark cost nothing, the others a small job, so the tries are few.
 */
class BadOptionsPropertyTest {
    static final Map<String, List<String>> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put("--partitions", List.of("-1", "0", "3", "2147483648", "", "NaN", "abc"));
        VALUES.put("--label-smoothing", List.of("-0.5", "0", "0.1", "1", "1.5", "NaN", "", "x", "Infinity", "1e308"));
        VALUES.put("--classes", List.of("-1", "0", "3", "4", "99999999999", "", "NaN"));
        VALUES.put("--top-k", List.of("-1", "0", "1", "5", "", "x"));
        VALUES.put("--ignore-index", List.of("-100", "0", "2", "9223372036854775807", "99999999999999999999", "",
                "x"));
        VALUES.put("--weight", List.of("1,1,1", "1,2", "-1,1,1", "NaN,1,1", "", "a,b", "Infinity,1,1", "0,0,0"));
        VALUES.put("--reduction", List.of("mean", "sum", "none", "", "avg"));
        VALUES.put("--format", List.of("json", "parquet", "", "xml"));
        VALUES.put("--max-rejected", List.of("-1", "0", "0.5", "1.5", "", "x", "NaN"));
        VALUES.put("--on-invalid", List.of("fail", "quarantine", "", "skip"));
        VALUES.put("--output-format", List.of("parquet", "json", "", "csv"));
        VALUES.put("--logits-col", List.of("logits", "", "nope"));
        VALUES.put("--logits-encoding", List.of("fp16", "", "x"));
        VALUES.put("--conf", List.of("novalue", "spark.xent.unused=1"));
    }

    static final List<String> FLAGS = List.of("--report", "--metrics", "--per-class", "--reject-nonfinite",
            "--log-probs", "--overwrite");
    static final List<String> CONFIG_LINES = List.of("frobnicate=1", "label-smoothing=2", "partitions=x",
            "reduction=sum", "top-k=0", "weight=1,1,1", "classes=-3");
    static final AtomicInteger RUNS = new AtomicInteger();

    static Path dir;
    static Path valid;
    static Path invalid;

    @BeforeContainer
    static void inputs() throws IOException {
        dir = Files.createTempDirectory("xent-bad-options");
        valid = Files.writeString(dir.resolve("valid.jsonl"), "{\"id\": 1, \"logits\": [1.0, 2.0, 3.0], "
                + "\"target\": 0}\n{\"id\": 2, \"logits\": [0.5, -1.0, 2.0], \"target\": 2}\n");
        invalid = Files.writeString(dir.resolve("invalid.jsonl"), "{\"id\": 1, \"logits\": [1.0, 2.0, 3.0], "
                + "\"target\": 0}\n{\"id\": 2, \"logits\": [0.5, -1.0, 2.0], \"target\": 5}\n");
    }

    @Provide
    Arbitrary<List<String>> options() {
        Arbitrary<List<String>> valued = Arbitraries.of(new ArrayList<>(VALUES.keySet()))
                .flatMap(k -> Arbitraries.of(VALUES.get(k)).map(v -> List.of(k, v)));
        Arbitrary<List<String>> flag = Arbitraries.of(FLAGS).map(List::of);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, valued), net.jqwik.api.Tuple.of(1, flag))
                .list().ofMaxSize(5)
                .map(lists -> lists.stream().flatMap(List::stream).toList());
    }

    @Provide
    Arbitrary<List<String>> configLines() {
        return Arbitraries.of(CONFIG_LINES).list().ofMaxSize(2);
    }

    @Property(tries = 60)
    void everyRunEndsWithACodeAndOneLine(@ForAll("options") List<String> options,
            @ForAll("configLines") List<String> config, @ForAll boolean withOutput, @ForAll boolean invalidRow)
            throws IOException {
        int n = RUNS.incrementAndGet();
        Path out = dir.resolve("out-" + n);
        List<String> args = new ArrayList<>(List.of("evaluate", "--input", (invalidRow ? invalid : valid).toString()));
        if (withOutput) {
            args.addAll(List.of("--output", out.toString()));
        }
        args.addAll(options);
        if (!config.isEmpty()) {
            Path file = Files.write(dir.resolve("config-" + n + ".properties"), config);
            args.addAll(List.of("--config", file.toString()));
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        String where = String.join(" ", args) + " with config " + config + "\n" + run;
        Statistics.label("exit code").collect(run.exitCode);
        assertTrue(run.exitCode >= 0 && run.exitCode <= 2, where);
        assertFalse(run.err.contains("\tat ") || run.err.contains("Exception") || run.err.contains("Caused by"),
                "no stack trace: " + where);
        if (run.exitCode == 0) {
            assertTrue(new ObjectMapper().readTree(run.out).has("mean"), where);
            return;
        }
        assertEquals(1, run.err.lines().count(), "one line: " + where);
        assertTrue(run.err.startsWith("xent: "), where);
        assertTrue(namesSomething(run.err, options, config), "names an option, a column or the row: " + where);
        assertFalse(Files.exists(out), "no output folder: " + where);
        try (Stream<Path> beside = Files.list(dir)) {
            assertFalse(beside.anyMatch(p -> p.getFileName().toString().contains("xent-staging")), where);
        }
    }

    /** The line names an option or config key that was given, a column, the input, or the row. */
    static boolean namesSomething(String err, List<String> options, List<String> config) {
        String line = err.toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>(List.of("--input", "column '", "row "));
        for (String o : options) {
            if (o.startsWith("--")) {
                names.add(o);
            }
        }
        for (String c : config) {
            names.add(c.substring(0, c.indexOf('=')));
        }
        return names.stream().anyMatch(line::contains);
    }
}
