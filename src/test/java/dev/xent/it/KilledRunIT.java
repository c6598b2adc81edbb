package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed (SIGKILL) at any point never leaves a broken output: killed while Spark writes the per-row losses
 * (a part file is in the staging folder), the output folder is as it was; killed at each step of replacing an
 * earlier output with {@code --overwrite} (the test hook {@code xent.test.pause} holds the run there), the folder
 * holds the old output whole or the new one whole, and where the kill fell between the two renames (no folder),
 * the next run to claim the output puts the old one back. The input is never changed.
 */
class KilledRunIT {
    @TempDir
    Path tmp;

    /** The content of every file under a folder (paths relative to it), as one hash. */
    static String digest(Path folder) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                md.update(folder.relativize(f).toString().getBytes());
                md.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** A part file anywhere under a staging folder beside the output. */
    static boolean stagingHasAPartFile(Path parent) throws IOException {
        try (Stream<Path> all = Files.walk(parent)) {
            return all.anyMatch(p -> p.toString().contains(".xent-staging-")
                    && p.getFileName().toString().startsWith("part-") && Files.isRegularFile(p));
        }
    }

    static List<String> xent(List<String> properties, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(properties);
        command.addAll(List.of("-cp", "target/xent.jar" + java.io.File.pathSeparator + Processes.runtimeClasspath(),
                "dev.xent.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** An earlier xent output: a summary, rows and the marker. */
    static Path earlierOutput(Path out) throws IOException {
        Files.createDirectories(out.resolve("rows"));
        Files.writeString(out.resolve("summary.json"), "{\"earlier\": true}\n");
        Files.writeString(out.resolve("rows").resolve("part-00000.parquet"), "an earlier run's rows");
        Files.writeString(out.resolve("_XENT"), "written by xent\n");
        return out;
    }

    static void kill(Process run) throws InterruptedException {
        run.descendants().forEach(ProcessHandle::destroyForcibly);
        run.destroyForcibly();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the killed run ended");
    }

    @Test
    void aRunKilledWhileWritingRowsLeavesTheFolderAsItWas() throws Exception {
        Path input = tmp.resolve("logits.parquet");
        SharedSpark.get().sql("SELECT id, transform(sequence(1, 64), i -> CAST(sin(id * 0.37 + i * 1.3) * 6 AS "
                + "float)) AS logits, CAST((id * 31) % 64 AS int) AS target FROM range(600000)")
                .repartition(16).write().parquet(input.toString());
        String inputBefore = digest(input);
        Path out = earlierOutput(tmp.resolve("out"));
        String outBefore = digest(out);
        Process run = new ProcessBuilder(xent(List.of(), "evaluate", "--input", input.toString(), "--reduction",
                "none", "--output", out.toString(), "--overwrite", "--master", "local[2]")).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("run.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (run.isAlive() && !stagingHasAPartFile(tmp) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        boolean writing = stagingHasAPartFile(tmp);
        boolean alive = run.isAlive();
        kill(run);
        String log = Files.readString(tmp.resolve("run.log"));
        assertTrue(writing, "a part file was in the staging folder before the kill:\n" + log);
        assertTrue(alive, "the run was still writing when killed:\n" + log);
        assertEquals(outBefore, digest(out), "the earlier output is whole, as it was");
        assertEquals(inputBefore, digest(input), "the input is unchanged");
    }

    @Test
    void aRunKilledWhileReplacingAnOutputLeavesTheOldOrTheNewWhole() throws Exception {
        Path input = tmp.resolve("small.jsonl");
        Files.writeString(input, "{\"id\": 1, \"logits\": [1.0, 2.0, 3.0], \"target\": 0}\n"
                + "{\"id\": 2, \"logits\": [0.5, -1.0, 2.0], \"target\": 2}\n");
        String inputBefore = Files.readString(input);
        Map<String, Process> runs = new LinkedHashMap<>();
        Map<String, String> before = new LinkedHashMap<>();
        for (String point : List.of("before-replace", "old-set-aside", "new-in-place")) {
            Path dir = Files.createDirectories(tmp.resolve("kill-" + point));
            Path out = earlierOutput(dir.resolve("out"));
            before.put(point, digest(out));
            List<String> hook = List.of("-Dxent.test.pause=" + point,
                    "-Dxent.test.pauseMarker=" + dir.resolve("paused"));
            runs.put(point, new ProcessBuilder(xent(hook, "evaluate", "--input", input.toString(), "--id-cols",
                    "id", "--reduction", "none", "--output", out.toString(), "--overwrite", "--master", "local[1]"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(400);
        for (String point : runs.keySet()) {
            Path marker = tmp.resolve("kill-" + point).resolve("paused");
            while (!Files.exists(marker) && runs.get(point).isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(marker), "the run reached " + point + ":\n"
                    + Files.readString(tmp.resolve("kill-" + point).resolve("run.log")));
            kill(runs.get(point));
        }
        // Killed before the first rename: the old output, whole.
        Path dir = tmp.resolve("kill-before-replace");
        assertEquals(before.get("before-replace"), digest(dir.resolve("out")), "the old output, whole");
        // Killed between the renames: no folder, the old one whole beside it; the next run puts it back (and, as
        // this one is refused, changes nothing else).
        dir = tmp.resolve("kill-old-set-aside");
        assertFalse(Files.exists(dir.resolve("out")));
        List<Path> aside = beside(dir, ".out.xent-old-");
        assertEquals(1, aside.size());
        assertEquals(before.get("old-set-aside"), digest(aside.get(0)), "the old output, whole, set aside");
        Processes next = Processes.run(xent(List.of(), "evaluate", "--input", input.toString(), "--output",
                dir.resolve("out").toString()), Map.of(), 300);
        assertEquals(2, next.exitCode, next.toString());
        assertTrue(next.err.contains("is not empty"), next.err);
        assertEquals(before.get("old-set-aside"), digest(dir.resolve("out")), "the old output, back in place");
        assertEquals(List.of(), beside(dir, ".out.xent-old-"));
        // Killed after the second rename: the new output, whole; the next run to claim the output (here xent's
        // output path alone, OutputWriterMain, with --overwrite) deletes the old one set aside.
        dir = tmp.resolve("kill-new-in-place");
        Path out = dir.resolve("out");
        assertEquals(List.of("_XENT", "rows", "summary.json"), names(out));
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"rows\" : 2"), "the new summary");
        assertEquals(2, SharedSpark.get().read().parquet(out.resolve("rows").toString()).count(), "every row");
        assertEquals(1, beside(dir, ".out.xent-old-").size());
        List<String> writer = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", "target/test-classes" + java.io.File.pathSeparator + "target/classes"
                + java.io.File.pathSeparator + Processes.runtimeClasspath(), "dev.xent.cli.OutputWriterMain",
                out.toString(), input.toString(), "true", "next"));
        next = Processes.run(writer, Map.of(), 300);
        assertEquals(0, next.exitCode, next.toString());
        assertEquals("{\"run\": \"next\"}\n", Files.readString(out.resolve("summary.json")));
        assertEquals(List.of(), beside(dir, ".out.xent-old-"));
        assertEquals(inputBefore, Files.readString(input), "the input is unchanged");
    }

    static List<Path> beside(Path dir, String prefix) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(prefix)).collect(Collectors.toList());
        }
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
