package dev.xent.spark;

import dev.xent.core.LogSoftmax;
import org.apache.spark.sql.api.java.UDF1;

/** {@code torch.log_softmax(x, -1)} of a row (array or vector) as a Spark UDF; null gives null. */
final class LogSoftmaxFunction implements UDF1<Object, double[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public double[] call(Object logits) {
        double[] x = RowValues.doubles(logits, "logits");
        return x == null ? null : LogSoftmax.of(x);
    }
}
