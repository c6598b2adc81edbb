package dev.xent.it.connect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQL that {@code SparkConnectIT} runs over Spark Connect and in a classic session, by name, over the digits
 * sample at {@code path} (JSON: {@code array<double>} logits, a {@code bigint} target).
 */
final class ConnectQueries {
    /** The evaluator's params, as the Connect ML command sends them and the classic session sets them. */
    static final double EVALUATOR_LABEL_SMOOTHING = 0.1;

    private ConnectQueries() {
    }

    static Map<String, String> sql(String path) {
        String from = " FROM json.`" + path + "`";
        Map<String, String> q = new LinkedHashMap<>();
        q.put("xent.agg mean", "SELECT xent.agg(logits, target).mean" + from);
        q.put("xent.agg smoothed sum", "SELECT xent.agg(logits, target, map('label_smoothing', '0.1')).sum" + from);
        q.put("sum(xent.loss)", "SELECT sum(xent.loss(logits, target, map('ignore_index', '3')))" + from);
        q.put("xent.log_softmax", "SELECT sum(xent.log_softmax(logits)[0])" + from);
        q.put("xent_agg mean", "SELECT xent_agg(logits, target).mean" + from);
        return q;
    }
}
