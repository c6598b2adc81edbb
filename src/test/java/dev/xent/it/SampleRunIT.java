package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.TorchMatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands as users run them: {@code bin/xent evaluate} on the sample (embedded Spark), and the
 * application jar under {@code spark-submit} (Spark's SparkSubmit with Spark's jars on the classpath, as the
 * {@code spark-submit} script runs it).
 */
class SampleRunIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static void assertTorchsSample(JsonNode summary) throws Exception {
        JsonNode expected = JSON.readTree(Files.readString(Path.of("data/digits/expected.json"))).get("default");
        TorchMatch.check("sample mean", expected.get("mean").doubleValue(), summary.get("mean").doubleValue());
        TorchMatch.check("sample sum", expected.get("sum").doubleValue(), summary.get("sum").doubleValue());
        for (int g = 0; g < 2; g++) {
            JsonNode e = expected.get("groups").get(g);
            JsonNode s = summary.get("groups").get(g);
            assertEquals(e.get("key"), s.get("key"));
            TorchMatch.check("sample group mean", e.get("mean").doubleValue(), s.get("mean").doubleValue());
            TorchMatch.check("sample group sum", e.get("sum").doubleValue(), s.get("sum").doubleValue());
        }
    }

    @Test
    void readmeRunCommandPrintsTorchsNumbers() throws Exception {
        Processes run = Processes.run(List.of("bin/xent", "evaluate", "--input", "data/digits/logits.jsonl",
                "--group-by", "split"), Map.of(), 300);
        assertEquals(0, run.exitCode, run.toString());
        assertTorchsSample(JSON.readTree(run.out));
        assertTrue(run.err.contains("1797 rows = 1797 scored + 0 ignored + 0 rejected"), run.err);
        assertFalse(run.err.contains("incubator"), "bin/xent hides the JVM's incubator-module note: " + run.err);
    }

    /**
     * bin/xent's class-data-sharing archive: the first run returns without it and leaves a recording running in the
     * background; the archive appears when that ends, and the next run maps it ({@code -Xshare:on} makes a JVM that
     * cannot map its archives fail) and prints the same numbers. A stale archive (another jar) is removed.
     */
    @Test
    @Tag("slow")
    @Tag("cds")
    void theFirstRunRecordsTheArchiveInTheBackgroundAndTheNextMapsIt() throws Exception {
        Path cds = tmp.resolve("cds");
        Files.createDirectories(cds);
        Path stale = Files.writeString(cds.resolve("xent-1.jsa"), "an archive of another jar");
        List<String> command = List.of("bin/xent", "evaluate", "--input", "data/digits/logits.jsonl",
                "--group-by", "split");
        Processes first = Processes.run(command, Map.of("XENT_CDS", "1", "XENT_CDS_DIR", cds.toString()), 300);
        assertEquals(0, first.exitCode, first.toString());
        assertTorchsSample(JSON.readTree(first.out));
        assertTrue(Files.exists(cds.resolve("recording.lock")), "a recording is under way when the first run ends");
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (Files.exists(cds.resolve("recording.lock")) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        List<String> archives;
        try (var files = Files.list(cds)) {
            archives = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(1, archives.size(), archives.toString());
        assertTrue(archives.get(0).matches("xent-[0-9]+\\.jsa") && !Files.exists(stale), archives.toString());
        Processes second = Processes.run(command, Map.of("XENT_CDS", "1", "XENT_CDS_DIR", cds.toString(),
                "XENT_JAVA_OPTS", "-Xshare:on"), 300);
        assertEquals(0, second.exitCode, second.toString());
        assertEquals(first.out, second.out);
    }

    @Test
    void applicationJarRunsUnderSparkSubmit() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(List.of("-cp", Processes.runtimeClasspath(), "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--class", "dev.xent.cli.Main", "target/xent.jar",
                "evaluate", "--input", "data/digits/logits.jsonl", "--group-by", "split",
                "--output", tmp.resolve("out").toString()));
        Processes run = Processes.run(command, Map.of("SPARK_SCALA_VERSION", "2.13"), 300);
        assertEquals(0, run.exitCode, run.toString());
        assertTorchsSample(JSON.readTree(Files.readString(tmp.resolve("out/summary.json"))));
    }
}
