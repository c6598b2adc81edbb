package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.testing.SharedSpark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real multi-process Spark cluster ({@code local-cluster[2,1,1024]}: a master, two workers and two executor
 * JVMs), one executor JVM is killed while the evaluation's tasks run; the job must finish with a summary
 * bit-identical to an undisturbed run on the same cluster.
 */
@Tag("slow")
class ExecutorLossIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PROGRESS = Pattern.compile("\\[Stage (\\d+):[^(]*\\((\\d+) \\+ (\\d+)\\) / (\\d+)\\]");

    @TempDir
    static Path tmp;
    static Path sparkHome;
    static Path input;

    @BeforeAll
    static void clusterAndData() throws IOException {
        // SPARK_HOME for the workers: a jars/ folder holding the runtime classpath (symlinks to Maven's jars).
        sparkHome = tmp.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (String jar : Processes.runtimeClasspath().split(java.io.File.pathSeparator)) {
            Path source = Path.of(jar);
            Path link = jars.resolve(source.getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, source.toAbsolutePath());
            }
        }
        input = tmp.resolve("logits.parquet");
        SharedSpark.get().sql("SELECT id, CAST(id % 7 AS string) AS g, "
                + "transform(sequence(1, 128), i -> CAST(sin(id * 0.37 + i * 1.3) * 6 AS float)) AS logits, "
                + "CAST((id * 31) % 128 AS int) AS target FROM range(400000)")
                .repartition(8).write().parquet(input.toString());
    }

    /** One evaluation on the cluster; with {@code kill}, kills an executor JVM once the scan's tasks run. */
    static JsonNode evaluate(Path output, boolean kill, List<String> log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(List.of("-cp", "target/xent.jar" + java.io.File.pathSeparator + Processes.runtimeClasspath(),
                "dev.xent.cli.Main", "evaluate", "--input", input.toString(), "--group-by", "g",
                "--weight", weights(), "--label-smoothing", "0.1", "--partitions", "48",
                "--master", "local-cluster[2,1,1024]", "--conf", "spark.jars=" + Path.of("target/xent.jar")
                        .toAbsolutePath(),
                "--conf", "spark.ui.consoleProgress.update.interval=100",
                "--output", output.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(tmp.resolve("stdout-" + kill).toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        Process driver = pb.start();
        AtomicLong killedAt = new AtomicLong(-1);
        long start = System.nanoTime();
        Thread reader = new Thread(() -> readProgress(driver, kill, killedAt, log, start));
        reader.start();
        if (!driver.waitFor(600, TimeUnit.SECONDS)) {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
            throw new IllegalStateException("the evaluation did not finish in 600 s");
        }
        reader.join(10_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        log.add(String.format(java.util.Locale.ROOT, "run %s: exit %d after %.1f s%s", kill ? "with kill" : "undisturbed",
                driver.exitValue(), seconds, kill ? String.format(java.util.Locale.ROOT,
                        "; executor killed at %.1f s", killedAt.get() / 1e9) : ""));
        assertEquals(0, driver.exitValue(), String.join("\n", log));
        if (kill) {
            assertTrue(killedAt.get() > 0, "an executor was killed while tasks ran\n" + String.join("\n", log));
        }
        return JSON.readTree(Files.readString(output.resolve("summary.json")));
    }

    static String weights() {
        StringBuilder w = new StringBuilder();
        for (int c = 0; c < 128; c++) {
            w.append(c == 0 ? "" : ",").append(0.5 + (c % 5) * 0.25);
        }
        return w.toString();
    }

    /** Reads the driver's stderr (Spark's progress bar); kills one executor once a stage has tasks done. */
    static void readProgress(Process driver, boolean kill, AtomicLong killedAt, List<String> log, long start) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(driver.getErrorStream(),
                StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            int ch;
            while ((ch = err.read()) >= 0) {
                if (ch != '\r' && ch != '\n') {
                    line.append((char) ch);
                    continue;
                }
                String text = line.toString().trim();
                line.setLength(0);
                if (text.isEmpty()) {
                    continue;
                }
                Matcher m = PROGRESS.matcher(text);
                if (m.find()) {
                    int done = Integer.parseInt(m.group(2));
                    int total = Integer.parseInt(m.group(4));
                    if (kill && killedAt.get() < 0 && total >= 48 && done >= 4 && done < total - 8) {
                        Optional<ProcessHandle> executor = driver.descendants()
                                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                                .findFirst();
                        if (executor.isPresent()) {
                            executor.get().destroyForcibly();
                            killedAt.set(System.nanoTime() - start);
                            synchronized (log) {
                                log.add("killed executor pid " + executor.get().pid() + " at " + text);
                            }
                        }
                    }
                } else {
                    synchronized (log) {
                        log.add(text);
                    }
                }
            }
        } catch (IOException e) {
            synchronized (log) {
                log.add("stderr: " + e);
            }
        }
    }

    @Test
    void killingAnExecutorMidJobGivesTheSameBits() throws Exception {
        List<String> log = new ArrayList<>();
        JsonNode undisturbed = evaluate(tmp.resolve("undisturbed"), false, log);
        JsonNode disturbed = evaluate(tmp.resolve("disturbed"), true, log);
        log.forEach(l -> System.out.println("[executor-loss] " + l));
        assertEquals(400000, undisturbed.get("rows").asLong());
        assertEquals(undisturbed, disturbed, "summaries differ after losing an executor");
    }
}
