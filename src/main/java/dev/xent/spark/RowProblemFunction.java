package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import org.apache.spark.sql.api.java.UDF2;

/** Why a row is invalid ({@code (logits, target) -> reason}), or null for a valid row. */
final class RowProblemFunction implements UDF2<Object, Object, String> {
    private static final long serialVersionUID = 1L;

    private final RowLossFunction loss;

    RowProblemFunction(CrossEntropyOptions options, int classes) {
        this.loss = new RowLossFunction(options, classes);
    }

    @Override
    public String call(Object logits, Object target) {
        try {
            loss.call(logits, target);
            return null;
        } catch (InvalidRowException e) {
            return e.detail();
        }
    }
}
