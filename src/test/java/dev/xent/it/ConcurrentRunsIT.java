package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs writing to one output at once: the folder ends with exactly one run's output, whole, and a run that
 * did not write it failed with one line saying why (exit code 2); never a mix, never an empty folder, nothing
 * left beside it. Twenty rounds of two real processes of xent's output path (OutputWriterMain: the claim, staging
 * and commit of {@code xent evaluate}, without Spark), started together or apart, each holding its claim for a
 * varied time; then one round of two real {@code xent evaluate} runs.
 */
@Tag("slow")
class ConcurrentRunsIT {
    static final List<String> WHOLE = List.of("_XENT", "rows/part-0", "rows/part-1", "rows/part-2", "rows/part-3",
            "rows/part-4", "summary.json");

    @TempDir
    Path tmp;

    static List<String> java(String mainClass, String classpath, List<String> properties) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(properties);
        command.addAll(List.of("-cp", classpath, mainClass));
        return command;
    }

    static Process start(List<String> command, Path log) throws Exception {
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()).start();
    }

    static int exit(Process p) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the run ended");
        return p.exitValue();
    }

    /** Every file under a folder, relative, sorted. */
    static List<String> files(Path folder) throws Exception {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** A refused run's standard error: one line naming why. */
    static void refusedClearly(String err) {
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("xent: --output: ") && (err.contains("another xent run is writing to")
                || err.contains("is not empty")), err);
    }

    static void nothingBeside(Path round, Set<String> expected) throws Exception {
        try (Stream<Path> entries = Files.list(round)) {
            Set<String> names = entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(expected, names, "no staging or set-aside folder left; only the (unlocked) claim file");
        }
    }

    @Test
    void twentyRoundsOfTwoWritersLeaveOneWholeOutput() throws Exception {
        String classpath = String.join(File.pathSeparator, "target/test-classes", "target/classes",
                Processes.runtimeClasspath());
        Path input = Files.writeString(tmp.resolve("in.jsonl"), "{}\n");
        TreeMap<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < 20; round++) {
            Path dir = Files.createDirectories(tmp.resolve("round-" + round));
            Path out = dir.resolve("out");
            boolean overwrite = round % 2 == 1;
            if (overwrite) { // an earlier xent output, to be replaced
                for (String f : WHOLE) {
                    Files.createDirectories(out.resolve(f).getParent());
                    Files.writeString(out.resolve(f), "old\n");
                }
            }
            long hold = List.of(0L, 150L, 600L, 1500L).get(round % 4); // how long each holds its claim
            long delay = (round * 137L) % 900; // the second starts this much later
            List<String> pause = hold == 0 ? List.of()
                    : List.of("-Dxent.test.pause=claimed", "-Dxent.test.pauseMillis=" + hold);
            Process a = start(args(java("dev.xent.cli.OutputWriterMain", classpath, pause), out, input, overwrite,
                    "a"), dir.resolve("a.err"));
            Thread.sleep(delay);
            Process b = start(args(java("dev.xent.cli.OutputWriterMain", classpath, pause), out, input, overwrite,
                    "b"), dir.resolve("b.err"));
            int exitA = exit(a);
            int exitB = exit(b);
            String errA = Files.readString(dir.resolve("a.err"), StandardCharsets.UTF_8);
            String errB = Files.readString(dir.resolve("b.err"), StandardCharsets.UTF_8);
            String where = "round " + round + " (hold " + hold + " ms, delay " + delay + " ms, overwrite "
                    + overwrite + "): a exit " + exitA + " " + errA + ", b exit " + exitB + " " + errB;
            assertTrue((exitA == 0 || exitA == 2) && (exitB == 0 || exitB == 2), where);
            assertTrue(exitA == 0 || exitB == 0, "one run wrote the output: " + where);
            if (!overwrite) {
                assertTrue(exitA != exitB, "exactly one run wrote the output: " + where);
            }
            if (exitA == 2) {
                refusedClearly(errA);
            }
            if (exitB == 2) {
                refusedClearly(errB);
            }
            assertEquals(WHOLE, files(out), "a whole output: " + where);
            Set<String> runs = new TreeSet<>();
            for (String f : WHOLE.subList(1, WHOLE.size())) {
                runs.add(Files.readString(out.resolve(f)).replaceAll("[^ab]|run", "").trim());
            }
            assertEquals(1, runs.size(), "every file from one run: " + runs + " " + where);
            String writer = runs.iterator().next();
            assertTrue(writer.equals("a") ? exitA == 0 : exitB == 0, "written by a run that succeeded: " + where);
            nothingBeside(dir, Set.of("out", ".out.xent-lock", "a.err", "b.err"));
            String outcome = exitA == 0 && exitB == 0 ? "both, one after the other"
                    : (exitA == 2 ? errA : errB).contains("another xent run") ? "one refused: claimed by the other"
                    : "one refused: not empty";
            outcomes.merge(outcome, 1, Integer::sum);
        }
        System.out.println("ConcurrentRunsIT: outcomes of 20 rounds: " + outcomes);
        assertTrue(outcomes.getOrDefault("one refused: claimed by the other", 0) >= 5,
                "the runs did overlap in many rounds: " + outcomes);
    }

    static List<String> args(List<String> command, Path out, Path input, boolean overwrite, String run) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(out.toString(), input.toString(), Boolean.toString(overwrite), run));
        return all;
    }

    @Test
    void twoEvaluateRunsStartedTogether() throws Exception {
        Path input = Files.writeString(tmp.resolve("in.jsonl"), "{\"logits\": [1.0, 2.0, 3.0], \"target\": 0}\n"
                + "{\"logits\": [0.5, -1.0, 2.0], \"target\": 2}\n");
        Path out = tmp.resolve("out");
        String classpath = "target/xent.jar" + File.pathSeparator + Processes.runtimeClasspath();
        List<Process> runs = new ArrayList<>();
        for (String smoothing : List.of("0.1", "0.2")) {
            List<String> command = java("dev.xent.cli.Main", classpath,
                    List.of("-Dxent.test.pause=claimed", "-Dxent.test.pauseMillis=2000"));
            command.addAll(List.of("evaluate", "--input", input.toString(), "--label-smoothing", smoothing,
                    "--output", out.toString(), "--master", "local[1]"));
            runs.add(start(command, tmp.resolve(smoothing + ".err")));
        }
        int first = exit(runs.get(0));
        int second = exit(runs.get(1));
        String where = "exit " + first + " and " + second + ": " + Files.readString(tmp.resolve("0.1.err")) + " | "
                + Files.readString(tmp.resolve("0.2.err"));
        assertTrue(first + second == 2 && first * second == 0, "one wrote (0), one was refused (2): " + where);
        String loser = first == 2 ? "0.1" : "0.2";
        String winner = first == 2 ? "0.2" : "0.1";
        refusedClearly(Files.readString(tmp.resolve(loser + ".err")));
        assertEquals(List.of("_XENT", "summary.json"), files(out));
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"label_smoothing\" : " + winner),
                "the winner's summary, whole: " + where);
        nothingBeside(tmp, Set.of("in.jsonl", "out", ".out.xent-lock", "0.1.err", "0.2.err"));
    }
}
