package dev.xent.it;

import dev.xent.core.golden.GoldenCase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark application configured only by {@code spark.sql.catalog.xent} (and the master), for {@link SqlCatalogIT}:
 * writes the digits sample and a golden case as Parquet in the folder {@code args[0]}, then prints
 * {@code SELECT xent.agg(...).mean} over each file, one {@code name=value} per line.
 */
public final class SqlCatalogMain {
    private SqlCatalogMain() {
    }

    public static void main(String[] args) {
        String dir = args[0];
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.sql.catalog.xent", "dev.xent.spark.XentCatalog")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        spark.read().json("data/digits/logits.jsonl").select("logits", "target", "split").write()
                .mode(SaveMode.Overwrite).parquet(dir + "/digits.parquet");
        GoldenCase golden = GoldenCase.load("random.jsonl").stream().filter(c -> c.name.equals(args[1])).findFirst()
                .orElseThrow();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < golden.logits.length; i++) {
            List<Double> x = new ArrayList<>();
            for (double v : golden.logits[i]) {
                x.add(v);
            }
            rows.add(RowFactory.create(x, golden.targets[i]));
        }
        spark.createDataFrame(rows, new StructType().add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("target", DataTypes.LongType)).write().mode(SaveMode.Overwrite).parquet(dir + "/golden.parquet");
        System.out.println("digits=" + spark.sql("SELECT xent.agg(logits, target).mean FROM parquet.`" + dir
                + "/digits.parquet`").first().getDouble(0));
        System.out.println("golden=" + spark.sql("SELECT xent.agg(logits, target, map('ignore_index', '3', "
                + "'label_smoothing', '0.1')).mean FROM parquet.`" + dir + "/golden.parquet`").first().getDouble(0));
        spark.stop();
    }
}
