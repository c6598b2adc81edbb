package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real multi-process Spark cluster ({@code local-cluster[2,1,1024]}: a master, two workers and two executor
 * JVMs, which get {@code --add-modules jdk.incubator.vector} and so run the vector kernel on rows of C = 128), one
 * executor JVM is killed while the file scan's tasks run (the scan stage: one task per input file, {@value #FILES}).
 * The killed process must have exited, Spark must log the executor as lost and its tasks of that stage as lost and
 * started again, and the job must finish with a summary bit-identical to an undisturbed run on the same cluster.
 */
@Tag("slow")
class ExecutorLossIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PROGRESS = Pattern.compile("\\[Stage (\\d+):[^(]*\\((\\d+) \\+ (\\d+)\\) / (\\d+)\\]");
    /**
     * Spark's log line for a task lost with its executor: task index, stage id. Which of its two lines Spark writes
     * depends on which news of the kill reaches the driver first: the worker's report of the exit code (the loss is
     * blamed on the task: "Lost task 3.0 in stage 1.0 (TID 4) (...): ExecutorLostFailure ...") or the dropped
     * connection (not blamed: "task 3.0 in stage 1.0 (TID 4) failed because while it was being computed, its
     * executor exited for a reason unrelated to the task"). Both mean the task was lost and must run again.
     */
    static final Pattern LOST_TASK = Pattern.compile("(?:Lost )?task (\\d+)\\.0 in stage (\\d+)\\.0 (?:.*ExecutorLostFailure"
            + "|\\(TID \\d+\\) failed because while it was being computed, its executor exited)");
    /** The input's files: the scan stage has one task per file. */
    static final int FILES = 24;

    @TempDir
    static Path tmp;
    static Path sparkHome;
    static Path input;
    static Path log4j;

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
                .repartition(FILES).write().parquet(input.toString());
        // xent's log settings, with the scheduler's task and executor-loss lines shown.
        log4j = tmp.resolve("log4j2.properties");
        Files.writeString(log4j, Files.readString(Path.of("conf/log4j2.properties"))
                .replace("logger.tasks.level = off", "logger.tasks.level = info")
                + "\nlogger.scheduler.name = org.apache.spark.scheduler.TaskSchedulerImpl\nlogger.scheduler.level = info\n");
    }

    /** What the reader saw of the kill: when, which stage (and its task count), and the killed JVM. */
    static final class Kill {
        volatile long at = -1;
        volatile int stage = -1;
        volatile int stageTasks = -1;
        volatile ProcessHandle executor;
        volatile boolean exited;
        volatile String commandLine = "";
    }

    /** One evaluation on the cluster; with {@code kill}, kills an executor JVM once the scan's tasks run. */
    static JsonNode evaluate(Path output, boolean kill, List<String> log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        // As bin/xent starts the driver: with the Vector API module, which SparkSettings then gives the executors.
        // (Spark 4.2 gives it to executors itself; Spark 3.5 does not, so there this tests xent's setting.)
        command.add("--add-modules=jdk.incubator.vector");
        command.add("-Dlog4j2.configurationFile=" + log4j);
        command.addAll(List.of("-cp", "target/xent.jar" + java.io.File.pathSeparator + Processes.runtimeClasspath(),
                "dev.xent.cli.Main", "evaluate", "--input", input.toString(), "--group-by", "g",
                "--weight", weights(), "--label-smoothing", "0.1",
                "--master", "local-cluster[2,1,1024]", "--conf", "spark.jars=" + Path.of("target/xent.jar")
                        .toAbsolutePath(),
                "--conf", "spark.ui.consoleProgress.update.interval=100",
                // Each file its own task: opening a file costs as much as a whole split, so none are packed together.
                "--conf", "spark.sql.files.openCostInBytes=" + (128L << 20),
                "--output", output.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(tmp.resolve("stdout-" + kill).toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        Process driver = pb.start();
        Kill killed = new Kill();
        long start = System.nanoTime();
        Thread reader = new Thread(() -> readProgress(driver, kill, killed, log, start));
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
                        "; executor killed at %.1f s", killed.at / 1e9) : ""));
        String all = String.join("\n", log);
        assertEquals(0, driver.exitValue(), all);
        if (kill) {
            assertTrue(killed.at > 0, "an executor was killed while the scan's tasks ran\n" + all);
            assertTrue(killed.exited, "the killed executor JVM (pid " + killed.executor.pid() + ") exited\n" + all);
            assertTrue(killed.commandLine.contains("--add-modules=jdk.incubator.vector"),
                    "the executor ran with the Vector API module: " + killed.commandLine);
            assertEquals(FILES, killed.stageTasks, "the killed stage is the scan (one task per file)\n" + all);
            assertTrue(all.contains("Lost executor"), "Spark logged the executor as lost\n" + all);
            List<Integer> lost = new ArrayList<>();
            for (String line : log) {
                Matcher m = LOST_TASK.matcher(line);
                if (m.find() && Integer.parseInt(m.group(2)) == killed.stage) {
                    lost.add(Integer.parseInt(m.group(1)));
                }
            }
            assertFalse(lost.isEmpty(), "Spark logged tasks of stage " + killed.stage + " lost with the executor\n"
                    + all);
            for (int task : lost) {
                assertTrue(all.contains("Starting task " + task + ".1 in stage " + killed.stage + ".0"),
                        "lost task " + task + " of stage " + killed.stage + " was started again\n" + all);
            }
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

    /**
     * Reads the driver's stderr (Spark's progress bar and log); kills one executor JVM once the scan stage (one task
     * per file) has tasks done and several left, and waits for it to exit.
     */
    static void readProgress(Process driver, boolean kill, Kill killed, List<String> log, long start) {
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
                    if (kill && killed.at < 0 && total == FILES && done >= 2 && done < total - 6) {
                        Optional<ProcessHandle> executor = driver.descendants()
                                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                                .findFirst();
                        if (executor.isPresent()) {
                            killed.commandLine = executor.get().info().commandLine().orElse("");
                            killed.executor = executor.get();
                            killed.stage = Integer.parseInt(m.group(1));
                            killed.stageTasks = total;
                            boolean signalled = executor.get().destroyForcibly();
                            killed.at = System.nanoTime() - start;
                            try {
                                killed.exited = signalled && executor.get().onExit().get(30, TimeUnit.SECONDS) != null
                                        && !executor.get().isAlive();
                            } catch (Exception e) {
                                killed.exited = false;
                            }
                            synchronized (log) {
                                log.add("killed executor pid " + executor.get().pid() + " (exited: " + killed.exited
                                        + ") at " + text);
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
