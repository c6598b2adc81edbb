package dev.xent.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Where and how Spark runs: the master, a config file of option defaults, and Spark settings. */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*], or the one "
            + "spark-submit sets).")
    String master;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the same keys as these "
            + "options (input=..., label-smoothing=...); flags override it.")
    String config;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", split = ",", description = "Spark setting, repeatable.")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    /** True when Spark runs in this JVM: a {@code local} master, given or by default. */
    boolean local() {
        String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        return m.startsWith("local");
    }

    /** The {@code --conf} settings, in the order given. */
    Map<String, String> sparkConf() {
        return sparkConf;
    }

    /** The Spark session these options describe (an existing one, under spark-submit), named {@code appName}. */
    SparkSession session(String appName) {
        return session(appName, Map.of());
    }

    /** The same, with settings a command needs at session start ({@code --conf} still wins over them). */
    SparkSession session(String appName, Map<String, String> needed) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        needed.forEach(b::config);
        SparkSettings.of(master, System.getProperty("spark.master"), sparkConf).forEach(b::config);
        return b.getOrCreate();
    }
}
