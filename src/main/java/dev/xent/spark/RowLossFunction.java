package dev.xent.spark;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.RowRule;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.api.java.UDF2;

/**
 * PyTorch's per-row loss ({@code reduction='none'}) as a Spark UDF: {@code (logits, target) -> loss}. Logits are an
 * array of numbers or an MLlib vector; the target is an integer class index or an array of probabilities, decided
 * per row by its type. C is fixed when given (then a row of another length is invalid), else each row's length.
 * Ignored rows give {@code 0.0}. An invalid row throws the core's {@link InvalidRowException}.
 */
final class RowLossFunction implements UDF2<Object, Object, Double> {
    private static final long serialVersionUID = 1L;

    private final CrossEntropyOptions options;
    private final int classes;
    private final LogitsEncoding encoding;
    private transient Map<Integer, CrossEntropy> kernels;

    /** {@code encoding}: how binary logits are packed, or null. */
    RowLossFunction(CrossEntropyOptions options, int classes, LogitsEncoding encoding) {
        this.options = options;
        this.classes = classes;
        this.encoding = encoding;
    }

    @Override
    public Double call(Object logitsValue, Object targetValue) {
        if (logitsValue instanceof float[] && targetValue instanceof Number) { // float rows are not widened first
            float[] logits = (float[]) logitsValue;
            return kernel(logits.length).loss(logits, RowValues.classIndex(targetValue));
        }
        double[] logits = RowValues.doubles(logitsValue, "logits", encoding);
        CrossEntropy kernel = kernel(logits == null ? 0 : logits.length);
        if (targetValue instanceof Number) {
            return kernel.loss(logits, RowValues.classIndex(targetValue));
        }
        if (targetValue == null) {
            throw RowRule.nullTarget();
        }
        double[] probabilities = RowValues.doubles(targetValue, "probabilities");
        return kernel.loss(logits, probabilities);
    }

    /** The kernel for C, else for rows of {@code length} values (0: a null row). */
    private CrossEntropy kernel(int length) {
        int c = RowRule.classes(classes, options, length);
        if (kernels == null) {
            kernels = new HashMap<>();
        }
        return kernels.computeIfAbsent(c, n -> new CrossEntropy(options, n));
    }
}
