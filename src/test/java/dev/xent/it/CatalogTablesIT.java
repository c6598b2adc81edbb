package dev.xent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs from tables, each in a JVM of its own whose session xent configures for {@code --metastore DIR} (Hive on
 * embedded Derby, and Delta's catalog): see {@code dev.xent.cli.CatalogTablesMain} for the checks. Delta runs where
 * the build's Delta Lake supports the Spark on the classpath (4.2 with Delta 4.4, 3.5 with Delta 3.3); the jar
 * tests on Spark 4.0 and 4.1 skip it, saying so.
 */
class CatalogTablesIT {
    @TempDir
    Path tmp;

    static String run(Path work, String mode) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Processes.sparkJavaFlags());
        command.add("-Xmx1g");
        command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
        command.add("-Dderby.system.home=" + work.resolve("derby"));
        command.addAll(List.of("-cp", System.getProperty("xent.tested.classes", "target/classes")
                + java.io.File.pathSeparator + "target/test-classes" + java.io.File.pathSeparator
                + Processes.runtimeClasspath(), "dev.xent.cli.CatalogTablesMain", work.toString(), mode));
        Processes p = Processes.run(command, Map.of(), 600);
        assertEquals(0, p.exitCode, p.toString());
        return p.out;
    }

    @Test
    @Tag("slow")
    void hiveTableReadByNameGivesTheNumbersOfItsFiles() throws Exception {
        String out = run(tmp, "hive");
        for (String check : List.of("hive-table", "hive-table-where", "hive-table-where-prunes")) {
            assertTrue(out.contains("ok " + check + "\n"), out);
        }
    }

    @Test
    @Tag("slow")
    void deltaVersionsAreTheirRowsAsParquet() throws Exception {
        String spark = System.getProperty("xent.tested.spark", "");
        assumeTrue(spark.startsWith("4.2") || spark.startsWith("3.5"), "the build's Delta Lake is for Spark 4.2 "
                + "and 3.5, not " + spark + ": Delta is not tested on this Spark");
        String out = run(tmp, "delta");
        for (String check : List.of("delta-path-version-0", "delta-path-version-1", "delta-path-latest",
                "delta-table-version-0", "delta-table-latest", "delta-missing-version",
                "delta-table-missing-version")) {
            assertTrue(out.contains("ok " + check + "\n"), out);
        }
    }
}
