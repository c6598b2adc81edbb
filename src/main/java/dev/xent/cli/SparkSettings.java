package dev.xent.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Spark settings of a run. The master is {@code --master}, else the one spark-submit set, else {@code local[*]}.
 * Local runs (any {@code local...} master) bind the driver to the loopback address and run without the web UI,
 * so nothing listens beyond this machine. Whenever executors are JVMs of their own (every master but {@code local}
 * and {@code local[...]}: {@code local-cluster[...]}, {@code spark://}, YARN, Kubernetes) and this JVM has the
 * Vector API module, they get the same {@code --add-modules jdk.incubator.vector}, so they run the same vector kernel
 * (unless {@code spark.executor.extraJavaOptions} is given).
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
        if (executorsAreOtherJvms(master) && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            settings.put("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        }
        settings.putAll(userConf);
        return settings;
    }

    /** False for the in-process masters {@code local} and {@code local[...]}; true for any other. */
    static boolean executorsAreOtherJvms(String master) {
        return !master.equals("local") && !master.startsWith("local[");
    }
}
