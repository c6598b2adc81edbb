package dev.xent.it.connect;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import dev.xent.ml.CrossEntropyEvaluator;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.SimpleSparkConnectService;

/**
 * The Spark Connect server of {@code SparkConnectIT}, in its own JVM: a classic session with xent's catalog and
 * extension and the Connect plugin listening on {@code 127.0.0.1:args[0]}. It first prints the classic session's
 * answers ({@code classic.NAME=VALUE}) to the queries the client will send over Connect, then hands over to Spark's
 * {@link SimpleSparkConnectService}, which prints {@code Ready for client connections.} and stops on {@code q}.
 */
public final class ConnectServerMain {
    private ConnectServerMain() {
    }

    public static void main(String[] args) {
        String path = args[1];
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
                .config("spark.connect.grpc.binding.address", "127.0.0.1")
                .config("spark.connect.grpc.binding.port", args[0])
                .config("spark.sql.catalog.xent", "dev.xent.spark.XentCatalog")
                .config("spark.sql.extensions", "dev.xent.spark.XentSqlExtensions")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        for (Map.Entry<String, String> q : ConnectQueries.sql(path).entrySet()) {
            System.out.println("classic." + q.getKey() + "=" + spark.sql(q.getValue()).first().get(0));
        }
        Dataset<Row> digits = spark.read().json(path);
        System.out.println("classic.call_function=" + digits.agg(sum(call_function("xent.loss", col("logits"),
                col("target")))).first().get(0));
        System.out.println("classic.evaluator=" + new CrossEntropyEvaluator().setLogitsCol("logits")
                .setLabelCol("target").setLabelSmoothing(ConnectQueries.EVALUATOR_LABEL_SMOOTHING).evaluate(digits));
        System.out.flush();
        SimpleSparkConnectService.main(new String[0]);
    }
}
