package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The done-when check of the function catalog: in a JVM whose session has only
 * {@code spark.sql.catalog.xent=dev.xent.spark.XentCatalog} and xent's jar, {@code SELECT xent.agg(logits,
 * target).mean FROM parquet.`PATH`} gives the bits {@code bin/xent evaluate --input PATH} prints, and with
 * {@code map('ignore_index', '3', 'label_smoothing', '0.1')} PyTorch's value (golden case {@value #CASE}: C = 6,
 * ignore_index 3, label smoothing 0.1, from {@code src/test/resources/golden/generate_golden.py}).
 */
class SqlCatalogIT {
    static final String CASE = "random-1145";

    @TempDir
    Path dir;

    @Test
    void aggregateOverParquetEqualsBinXentAndTorch() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("--add-modules=jdk.incubator.vector"); // the kernel bin/xent runs
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(List.of("-cp", "target/xent.jar" + File.pathSeparator + "target/test-classes"
                + File.pathSeparator + Processes.runtimeClasspath(), SqlCatalogMain.class.getName(),
                dir.toString(), CASE));
        Processes sql = Processes.run(command, Map.of(), 300);
        assertEquals(0, sql.exitCode, sql.toString());
        Map<String, String> v = new HashMap<>();
        for (String line : sql.out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                v.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        Processes cli = Processes.run(List.of("bin/xent", "evaluate", "--input", dir.resolve("digits.parquet")
                .toString()), Map.of(), 300);
        assertEquals(0, cli.exitCode, cli.toString());
        double cliMean = new ObjectMapper().readTree(cli.out).get("mean").doubleValue();
        assertEquals(Double.doubleToRawLongBits(cliMean), Double.doubleToRawLongBits(Double.parseDouble(
                v.get("digits"))), "bin/xent " + cliMean + ", SQL " + v.get("digits"));

        GoldenCase golden = GoldenCase.load("random.jsonl").stream().filter(c -> c.name.equals(CASE)).findFirst()
                .orElseThrow();
        assertEquals(3, golden.ignoreIndex);
        assertEquals(0.1, golden.labelSmoothing);
        JsonNode expected = golden.node.get("expected");
        TorchMatch.check(CASE + " via xent.agg", GoldenCase.number(expected.get("mean")),
                Double.parseDouble(v.get("golden")));
    }
}
