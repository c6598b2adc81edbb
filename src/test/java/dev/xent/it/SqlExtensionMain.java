package dev.xent.it;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark application configured only by {@code spark.sql.extensions} (and the master; the catalog too, for its
 * options check): runs xent's SQL functions and prints the results, one per line, for {@link SqlExtensionIT}.
 */
public final class SqlExtensionMain {
    private SqlExtensionMain() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .config("spark.sql.extensions", "dev.xent.spark.XentSqlExtensions")
                .config("spark.sql.catalog.xent", "dev.xent.spark.XentCatalog")
                .config("spark.xent.labelSmoothing", args.length > 0 ? args[0] : "0.0")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        spark.read().json("data/digits/logits.jsonl").createOrReplaceTempView("digits");
        Row total = spark.sql("SELECT xent_agg(logits, target).mean, xent_agg(logits, target).sum FROM digits")
                .first();
        System.out.println("mean=" + total.getDouble(0));
        System.out.println("sum=" + total.getDouble(1));
        for (Row r : spark.sql("SELECT split, xent_agg(logits, target).mean FROM digits GROUP BY split ORDER BY split")
                .collectAsList()) {
            System.out.println("group " + r.getString(0) + "=" + r.getDouble(1));
        }
        Row first = spark.sql("SELECT xent_loss(logits, target), xent_log_softmax(logits)[0] FROM digits "
                + "WHERE id = 0").first();
        System.out.println("row0=" + first.getDouble(0));
        System.out.println("kernel=" + dev.xent.core.SumExp.best().name());
        try { // with the extension, a bad constant per-call option of a catalog function fails the analysis
            spark.sql("SELECT xent.agg(logits, target, map('ignore', '3')) FROM digits").queryExecution().analyzed();
            System.out.println("badOption=analyzed");
        } catch (Exception e) {
            System.out.println("badOption=" + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
        }
        spark.stop();
    }
}
