package dev.xent.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Spark settings of a run. The master is {@code --master}, else the one spark-submit set, else {@code local[*]}.
 * Local runs (any {@code local...} master) bind the driver to the loopback address and run without the web UI,
 * so nothing listens beyond this machine. On a cluster, when this JVM runs xent's vector kernel, executors get
 * the same {@code --add-modules jdk.incubator.vector} (unless {@code spark.executor.extraJavaOptions} is given).
 * {@code --conf} settings come last and win.
 */
final class SparkSettings {
    private SparkSettings() {
    }

    static Map<String, String> of(String masterOption, String submittedMaster, Map<String, String> userConf) {
        Map<String, String> settings = new LinkedHashMap<>();
        String master = masterOption != null ? masterOption : submittedMaster != null ? submittedMaster : "local[*]";
        if (masterOption != null || submittedMaster == null) {
            settings.put("spark.master", master);
        }
        if (master.startsWith("local")) {
            settings.put("spark.driver.host", "127.0.0.1");
            settings.put("spark.driver.bindAddress", "127.0.0.1");
            settings.put("spark.ui.enabled", "false");
        }
        settings.put("spark.ui.showConsoleProgress", "true");
        if (!master.startsWith("local") && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            settings.put("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        }
        settings.putAll(userConf);
        return settings;
    }
}
