package dev.xent.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Spark settings of a run. The master is {@code --master}, else the one spark-submit set, else {@code local[*]}.
 * Local runs (any {@code local...} master) bind the driver to the loopback address and run without the web UI,
 * so nothing listens beyond this machine, and read Parquet without vectored reads (off-heap buffers the size of a
 * column chunk). Whenever executors are JVMs of their own (every master but {@code local}
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
            // Parquet's vectored reads (Hadoop's readVectored on a local file: an AsynchronousFileChannel reading
            // each column chunk, 100+ MB of wide logits, into a heap buffer) go through one JDK temporary direct
            // buffer per chunk, cached by its pool thread. bin/xent on 200,000 x 1,000 float logits (770 MB, 8
            // files), load 8-11, medians of 3: peak resident 1,506 MB with them, 1,292 MB without (at -Xmx600m,
            // one run each: 1,105 against 908 MB); the same bits; CPU time 17.4 against 18.6 s (medians of 2 and
            // 4). Wall times at that load did not settle (vectored 20-42 s, plain 27-44 s; the bench's plain runs
            // 18.4-19.4 s at load 8). Plain reads (8 MB heap slices) run even with -XX:MaxDirectMemorySize=64m.
            // --conf spark.hadoop.parquet.hadoop.vectored.io.enabled=true restores them.
            settings.put("spark.hadoop.parquet.hadoop.vectored.io.enabled", "false");
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
