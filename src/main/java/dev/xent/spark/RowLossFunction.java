package dev.xent.spark;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
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
        this.classes = classes > 0 ? classes : options.knownClasses();
        this.encoding = encoding;
    }

    @Override
    public Double call(Object logitsValue, Object targetValue) {
        double[] logits = RowValues.doubles(logitsValue, "logits", encoding);
        CrossEntropy kernel = kernel(logits);
        if (targetValue instanceof Number) {
            return kernel.loss(logits, RowValues.classIndex(targetValue));
        }
        if (targetValue == null) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "target is null");
        }
        double[] probabilities = RowValues.doubles(targetValue, "probabilities");
        return kernel.loss(logits, probabilities);
    }

    private CrossEntropy kernel(double[] logits) {
        int c = classes > 0 ? classes : (logits == null ? 1 : Math.max(1, logits.length));
        if (kernels == null) {
            kernels = new HashMap<>();
        }
        return kernels.computeIfAbsent(c, n -> new CrossEntropy(options, n));
    }
}
