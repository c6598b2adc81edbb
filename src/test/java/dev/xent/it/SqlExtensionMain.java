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
        boolean same = true; // the old names run the catalog's functions: the same bits, row by row
        for (Row r : spark.sql("SELECT xent_loss(logits, target), xent.loss(logits, target) FROM digits")
                .collectAsList()) {
            same &= Double.doubleToRawLongBits(r.getDouble(0)) == Double.doubleToRawLongBits(r.getDouble(1));
        }
        Row agg = spark.sql("SELECT xent_agg(logits, target) AS o, xent.agg(logits, target) AS n FROM digits").first();
        Row o = agg.getStruct(0);
        Row n = agg.getStruct(1);
        same &= o.getDouble(o.fieldIndex("weightSum")) == n.getDouble(n.fieldIndex("weight_sum"))
                && o.getDouble(o.fieldIndex("mean")) == n.getDouble(n.fieldIndex("mean"))
                && o.getLong(o.fieldIndex("rows")) == n.getLong(n.fieldIndex("rows"));
        String perCall = "(logits, target, map('ignore_index', '3', 'label_smoothing', '0.1')).mean";
        Row options = spark.sql("SELECT xent_agg" + perCall + ", xent.agg" + perCall + " FROM digits").first();
        same &= Double.doubleToRawLongBits(options.getDouble(0)) == Double.doubleToRawLongBits(options.getDouble(1));
        System.out.println("sameAsCatalog=" + same);
        System.out.println("lossPlan=" + plan(spark, "xent_loss(logits, target)"));
        System.out.println("catalogLossPlan=" + plan(spark, "xent.loss(logits, target)"));
        System.out.println("aggPlan=" + plan(spark, "xent_agg(logits, target).mean"));
        System.out.println("catalogAggPlan=" + plan(spark, "xent.agg(logits, target).mean"));
        try { // with the extension, a bad constant per-call option of a catalog function fails the analysis
            spark.sql("SELECT xent.agg(logits, target, map('ignore', '3')) FROM digits").queryExecution().analyzed();
            System.out.println("badOption=analyzed");
        } catch (Exception e) {
            System.out.println("badOption=" + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
        }
        spark.stop();
    }

    /** The analyzed plan of {@code SELECT <call> AS v FROM digits}, on one line, its ids and hashes dropped. */
    private static String plan(SparkSession spark, String call) {
        return spark.sql("SELECT " + call + " AS v FROM digits").queryExecution().analyzed().toString()
                .replaceAll("#\\d+L?|@[0-9a-f]+", "").replace('\n', ' ');
    }
}
