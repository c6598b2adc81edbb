package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.xent.testing.SharedSpark;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader-batch guard of the API: an {@link Evaluation} sets the batch sizes only while its jobs run and only
 * when the session has not set them; the session's own setting is kept.
 */
class ReaderBatchTest {
    static final String KEY = "spark.sql.parquet.columnarReaderBatchSize";

    @TempDir
    Path tmp;

    @Test
    void duringSetsTheSizeForTheJobOnlyAndKeepsTheSessionsOwn() {
        SparkSession spark = SharedSpark.get();
        spark.conf().unset(KEY);
        assertEquals("131", ReaderBatch.during(spark, 131, () -> spark.conf().get(KEY)));
        assertFalse(spark.conf().getAll().contains(KEY), "unset again after the job");
        spark.conf().set(KEY, "77");
        try {
            assertEquals("77", ReaderBatch.during(spark, 131, () -> spark.conf().get(KEY)), "the session's own");
            assertEquals("77", spark.conf().get(KEY));
        } finally {
            spark.conf().unset(KEY);
        }
    }

    @Test
    void anEvaluationOfWideRowsLeavesTheSessionAsItWas() {
        SparkSession spark = SharedSpark.get();
        spark.conf().unset(KEY);
        Path wide = tmp.resolve("wide.parquet");
        spark.range(3).selectExpr("CAST(id AS bigint) AS target",
                "transform(sequence(1, 32000), i -> CAST(i % 7 AS double)) AS logits").write().parquet(wide.toString());
        double mean = Evaluation.of(spark.read().parquet(wide.toString())).run().total().mean();
        assertFalse(Double.isNaN(mean));
        assertFalse(spark.conf().getAll().contains(KEY), "the API left no setting behind");
    }
}
