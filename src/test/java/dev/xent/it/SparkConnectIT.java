package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * xent over Spark Connect: a Connect server in a child JVM (its own classpath: xent's jar and the server's jars,
 * without the client's) on a loopback port, with {@code spark.sql.catalog.xent} and {@code spark.sql.extensions};
 * this JVM's Connect client runs the catalog functions, the extension's {@code xent_agg},
 * {@code call_function("xent.loss", ...)} and {@code CrossEntropyEvaluator} over Connect ML. Every answer must
 * have the bits the server's classic session gives for the same query. Spark 3.5 has no Connect ML (and another
 * client API): there the test is skipped, saying so.
 */
class SparkConnectIT {
    private static final String CLIENT = "dev.xent.it.connect.ConnectClient";
    private static final String SERVER = "dev.xent.it.connect.ConnectServerMain";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void functionsAndEvaluatorOverSparkConnectEqualAClassicSession() throws Exception {
        Assumptions.assumeTrue(org.apache.spark.package$.MODULE$.SPARK_VERSION().startsWith("4"),
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " has no Connect ML (it came in "
                        + "Spark 4.0): the Spark Connect test runs on the default Spark 4 build only");
        String path = Path.of("data/digits/logits.jsonl").toAbsolutePath().toString();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        File log = File.createTempFile("xent-connect-server", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("-Xmx1g");
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.addAll(List.of("-cp", serverClasspath(), SERVER, String.valueOf(port), path));
        Process server = new ProcessBuilder(command).redirectError(log).start();
        Map<String, String> classic = new TreeMap<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null && !line.startsWith("Ready for client connections");
                    line = out.readLine()) {
                if (line.startsWith("classic.")) {
                    int eq = line.indexOf('=');
                    classic.put(line.substring("classic.".length(), eq), line.substring(eq + 1));
                }
            }
            assertTrue(server.isAlive(), "the Connect server stopped; its log: " + log);
            @SuppressWarnings("unchecked")
            Map<String, String> remote = (Map<String, String>) Class.forName(CLIENT)
                    .getMethod("run", int.class, String.class).invoke(null, port, path);
            System.out.println("SparkConnectIT: classic " + classic + ", over Connect " + remote);
            assertEquals(7, classic.size(), classic.toString());
            for (Map.Entry<String, String> e : classic.entrySet()) {
                assertEquals(e.getValue(), remote.get(e.getKey()), e.getKey() + " over Connect vs classic");
                assertTrue(Double.isFinite(Double.parseDouble(e.getValue())), e.toString());
            }
        } finally {
            stop(server);
        }
    }

    /** The failsafe classpath without the Connect client's jar (which must not shadow the server's classes). */
    private static String serverClasspath() {
        String own = "target" + File.separator + "classes";
        String entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("spark-connect-client-jvm") && !e.endsWith(own))
                .collect(Collectors.joining(File.pathSeparator));
        return "target/xent.jar" + File.pathSeparator + entries;
    }

    /** {@code q} on standard input, as Spark's SimpleSparkConnectService expects; killed if it lingers. */
    private static void stop(Process server) throws IOException, InterruptedException {
        try (OutputStream in = server.getOutputStream()) {
            in.write("q\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException stoppedAlready) {
            // nothing to tell
        }
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }
}
