package dev.xent.it.connect;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark Connect side of {@code SparkConnectIT}, through the JVM client ({@code spark-connect-client-jvm}):
 * runs {@link ConnectQueries}, {@code call_function("xent.loss", ...)} and {@code CrossEntropyEvaluator} as a
 * Connect ML evaluate command (the evaluator by class name, literal params), and returns each answer by name.
 */
public final class ConnectClient {
    private ConnectClient() {
    }

    /** The answers over {@code sc://127.0.0.1:port} for the digits sample at {@code path}. */
    public static Map<String, String> run(int port, String path) {
        SparkSession spark = SparkSession.builder().remote("sc://127.0.0.1:" + port).getOrCreate();
        try {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> q : ConnectQueries.sql(path).entrySet()) {
                out.put(q.getKey(), String.valueOf(spark.sql(q.getValue()).first().get(0)));
            }
            Dataset<Row> digits = spark.read().json(path);
            out.put("call_function", String.valueOf(digits.agg(sum(call_function("xent.loss", col("logits"),
                    col("target")))).first().get(0)));
            out.put("evaluator", String.valueOf(evaluate(spark, digits)));
            return out;
        } finally {
            spark.close();
        }
    }

    /** {@code CrossEntropyEvaluator.evaluate} over Connect ML, as PySpark's {@code JavaEvaluator} sends it. */
    private static double evaluate(SparkSession spark, Dataset<Row> dataset) {
        MlParams params = MlParams.newBuilder()
                .putParams("logitsCol", Expression.Literal.newBuilder().setString("logits").build())
                .putParams("labelCol", Expression.Literal.newBuilder().setString("target").build())
                .putParams("labelSmoothing", Expression.Literal.newBuilder()
                        .setDouble(ConnectQueries.EVALUATOR_LABEL_SMOOTHING).build())
                .build();
        MlCommand.Evaluate evaluate = MlCommand.Evaluate.newBuilder()
                .setEvaluator(MlOperator.newBuilder().setName("dev.xent.ml.CrossEntropyEvaluator")
                        .setUid("xentEval_connect").setType(MlOperator.OperatorType.OPERATOR_TYPE_EVALUATOR))
                .setParams(params)
                .setDataset(dataset.plan().getRoot())
                .build();
        Command command = Command.newBuilder().setMlCommand(MlCommand.newBuilder().setEvaluate(evaluate)).build();
        for (ExecutePlanResponse r : CollectionConverters.asJava(spark.execute(command))) {
            if (r.hasMlCommandResult()) {
                return r.getMlCommandResult().getParam().getDouble();
            }
        }
        throw new IllegalStateException("no ML command result in the evaluate response");
    }
}
