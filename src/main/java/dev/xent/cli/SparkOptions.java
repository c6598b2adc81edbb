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

    /** The {@code --conf} settings, in the order given. */
    Map<String, String> sparkConf() {
        return sparkConf;
    }

    /** The Spark session these options describe (an existing one, under spark-submit), named {@code appName}. */
    SparkSession session(String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        SparkSettings.of(master, System.getProperty("spark.master"), sparkConf).forEach(b::config);
        return b.getOrCreate();
    }
}
