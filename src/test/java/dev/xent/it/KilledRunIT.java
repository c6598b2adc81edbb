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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed (SIGKILL) while it writes per-row losses leaves no summary.json and no rows/ in the output folder,
 * whose earlier content stays as it was, and the input is unchanged.
 */
class KilledRunIT {
    @TempDir
    Path tmp;

    static String digest(Path folder) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                md.update(f.toString().getBytes());
                md.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static boolean stagingHasRows(Path parent) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.anyMatch(p -> p.getFileName().toString().contains(".xent-staging-")
                    && Files.isDirectory(p.resolve("rows")));
        }
    }

    @Test
    void aKilledRunLeavesNoSummaryAndNoRows() throws Exception {
        Path input = tmp.resolve("logits.parquet");
        SharedSpark.get().sql("SELECT id, transform(sequence(1, 64), i -> CAST(sin(id * 0.37 + i * 1.3) * 6 AS "
                + "float)) AS logits, CAST((id * 31) % 64 AS int) AS target FROM range(600000)")
                .repartition(16).write().parquet(input.toString());
        String before = digest(input);
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("earlier.txt"), "an earlier run's file");
        Files.writeString(out.resolve("_XENT"), ""); // an earlier xent output, which --overwrite may replace
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(List.of("-cp", "target/xent.jar" + java.io.File.pathSeparator + Processes.runtimeClasspath(),
                "dev.xent.cli.Main", "evaluate", "--input", input.toString(), "--reduction", "none",
                "--output", out.toString(), "--overwrite", "--master", "local[2]"));
        Process run = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("run.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (run.isAlive() && !stagingHasRows(tmp) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(run.isAlive(), "the run was still writing when killed:\n" + Files.readString(tmp.resolve("run.log")));
        run.destroyForcibly();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(out.resolve("summary.json")), "no summary.json");
        assertFalse(Files.exists(out.resolve("rows")), "no rows/");
        assertEquals("an earlier run's file", Files.readString(out.resolve("earlier.txt")), "the folder is as it was");
        assertEquals(before, digest(input), "the input is unchanged");
    }
}
