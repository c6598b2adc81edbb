package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.core.SumExp;
import dev.xent.core.golden.TorchMatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new JVM whose session is configured only by {@code spark.sql.extensions}: {@code SELECT xent_agg(...)} and
 * {@code xent_loss(...)} work there and give torch's numbers for the digits sample, through the catalog's functions
 * (the same analyzed plan and bits as {@code xent.loss}, the same aggregate as {@code xent.agg}).
 */
class SqlExtensionIT {

    static Map<String, String> run(String labelSmoothing) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(List.of("-cp", "target/xent.jar" + java.io.File.pathSeparator + "target/test-classes"
                + java.io.File.pathSeparator + Processes.runtimeClasspath(), SqlExtensionMain.class.getName(),
                labelSmoothing));
        Processes p = Processes.run(command, Map.of(), 300);
        assertEquals(0, p.exitCode, p.toString());
        Map<String, String> values = new HashMap<>();
        for (String line : p.out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    @Test
    void sqlFunctionsFromTheExtensionGiveTorchsNumbers() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(Files.readString(Path.of("data/digits/expected.json")))
                .get("default");
        Map<String, String> v = run("0.0");
        TorchMatch.check("extension mean", expected.get("mean").doubleValue(), Double.parseDouble(v.get("mean")));
        TorchMatch.check("extension sum", expected.get("sum").doubleValue(), Double.parseDouble(v.get("sum")));
        TorchMatch.check("extension test group", expected.get("groups").get(0).get("mean").doubleValue(),
                Double.parseDouble(v.get("group test")));
        JsonNode first = new ObjectMapper().readTree(Files.readAllLines(Path.of("data/digits/logits.jsonl")).get(0));
        double[] x = new double[10];
        for (int c = 0; c < 10; c++) {
            x[c] = first.get("logits").get(c).doubleValue();
        }
        // The same bits as the core on the kernel that JVM ran (it has no vector module: the scalar one).
        SumExp kernel = v.get("kernel").equals("scalar") ? SumExp.scalar() : SumExp.vector();
        assertEquals(new CrossEntropy(CrossEntropyOptions.defaults(), 10, kernel).loss(x,
                first.get("target").asLong()), Double.parseDouble(v.get("row0")), 0.0, v.get("kernel"));
        // The old names run the catalog's functions: the same bits, and xent_loss the same analyzed plan.
        assertEquals("true", v.get("sameAsCatalog"), v.toString());
        assertEquals(v.get("catalogLossPlan"), v.get("lossPlan"), v.toString());
        assertTrue(v.get("catalogAggPlan").contains("v2aggregator(dev.xent.spark.LossAggregate, logits, target")
                && v.get("aggPlan").contains("v2aggregator(dev.xent.spark.LossAggregate, logits, target"),
                v.toString());
        // A bad constant per-call option of a catalog function: an analysis error naming the key, no action needed.
        // (Spark 4 throws a subclass, ExtendedAnalysisException.)
        assertTrue(v.get("badOption").matches("org\\.apache\\.spark\\.sql\\.(catalyst\\.Extended)?AnalysisException: .*")
                && v.get("badOption").contains("xent option 'ignore' is unknown"), v.get("badOption"));
    }

    @Test
    void optionsComeFromTheSessionSettings() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("data/digits/logits.jsonl"));
        double[][] x = new double[lines.size()][10];
        long[] y = new long[lines.size()];
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = json.readTree(lines.get(i));
            for (int c = 0; c < 10; c++) {
                x[i][c] = row.get("logits").get(c).doubleValue();
            }
            y[i] = row.get("target").asLong();
        }
        Map<String, String> v = run("0.1");
        CrossEntropyOptions options = CrossEntropyOptions.builder().labelSmoothing(0.1).build();
        CrossEntropy kernel = new CrossEntropy(options, 10, v.get("kernel").equals("scalar") ? SumExp.scalar()
                : SumExp.vector());
        LossState expected = LossState.of(options, LossState.Targets.CLASS_INDEX);
        for (int i = 0; i < x.length; i++) {
            kernel.add(expected, x[i], y[i]);
        }
        assertEquals(expected.mean(), Double.parseDouble(v.get("mean")), 0.0, v.get("kernel"));
    }
}
