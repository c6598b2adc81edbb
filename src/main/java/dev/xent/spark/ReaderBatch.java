package dev.xent.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's columnar Parquet and ORC readers decode up to 4,096 rows per batch in each task: at C = 64,000 float
 * logits a batch is 1 GB, and a 2 GB heap runs out (a row group of more rows than that, as pyarrow writes by
 * default, shows it; Spark's own writer keeps row groups small enough to hide it). A run reads the first row (to
 * learn C) one row per batch, then cuts the batch to about 4M logits (16 MB of floats) per task, a language-model
 * row counting as 256 tokens; unless it sets the size itself ({@code --conf}, the config file, or spark-submit).
 * {@code bin/xent} sets the sizes for its run ({@link #set}); {@link Evaluation}, and so the API and the MLlib
 * evaluator, sets them only while its own jobs run ({@link #during}) and only when the session has not set them.
 */
public final class ReaderBatch {
    public static final String[] KEYS = {"spark.sql.parquet.columnarReaderBatchSize", "spark.sql.orc.columnarReaderBatchSize"};

    /** Spark's default batch, in rows. */
    static final int SPARK_DEFAULT_ROWS = 4096;

    /** The logits a batch may hold. */
    static final long LOGITS = 1L << 22;

    private ReaderBatch() {
    }

    /** The rows per batch for rows of {@code logits} values: Spark's default, or fewer for wide rows (at least 1). */
    public static int rows(long logits) {
        return (int) Math.max(1, Math.min(SPARK_DEFAULT_ROWS, LOGITS / Math.max(1, logits)));
    }

    /** A language-model row's logits, as counted here: 256 tokens of C. */
    public static long sequenceLogits(int classes) {
        return 256L * classes;
    }

    /** Sets both batch sizes to {@code rows}, but not one the run sets itself ({@code userConf}, Spark's conf). */
    public static void set(SparkSession spark, int rows, Map<String, String> userConf) {
        for (String key : KEYS) {
            if (!userConf.containsKey(key) && !spark.sparkContext().getConf().contains(key)) {
                spark.conf().set(key, String.valueOf(rows));
            }
        }
    }

    /**
     * Runs {@code job} with both batch sizes set to {@code rows}, then unsets them again; a size the session already
     * has (set by the user, or by {@link #set}) is left as it is.
     */
    public static <T> T during(SparkSession spark, int rows, Supplier<T> job) {
        List<String> set = new ArrayList<>();
        for (String key : KEYS) {
            if (!spark.conf().getAll().contains(key) && !spark.sparkContext().getConf().contains(key)) {
                spark.conf().set(key, String.valueOf(rows));
                set.add(key);
            }
        }
        try {
            return job.get();
        } finally {
            set.forEach(spark.conf()::unset);
        }
    }
}
