package dev.xent.spark;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.RowRule;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * What the catalog's loss functions share ({@link XentCatalog}): Spark's internal arrays read into reused
 * primitive buffers (no element boxed, no array allocated per row) under the null-element rule of
 * {@link RowValues#checkNullElements}, and one {@link CrossEntropy} kernel per options and C. C is the options'
 * (class count or weight length), else each row's own length, as {@code xent_loss}. One instance serves one task
 * (Spark deserializes a function for each task); not thread-safe.
 */
final class RowLosses implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CallOptions options;
    private transient float[] floats;
    private transient double[] doubles;
    private transient double[] probabilities;
    private transient Map<Key, CrossEntropy> kernels;
    private transient CrossEntropyOptions lastOptions;
    private transient CrossEntropy lastKernel;

    RowLosses(CrossEntropyOptions defaults) {
        this.options = new CallOptions(defaults);
    }

    /** The options of a call whose map is {@code map} (null: none given). */
    CrossEntropyOptions options(org.apache.spark.sql.catalyst.util.MapData map) {
        return options.of(map);
    }

    /** The kernel for rows of {@code length} values (0 for a null row) under {@code o}. */
    CrossEntropy kernel(CrossEntropyOptions o, int length) {
        int c = RowRule.classes(o, length);
        if (o == lastOptions && lastKernel.classes() == c) {
            return lastKernel;
        }
        if (kernels == null) {
            kernels = new HashMap<>();
        }
        lastKernel = kernels.computeIfAbsent(new Key(o, c), k -> new CrossEntropy(k.options, k.classes));
        lastOptions = o;
        return lastKernel;
    }

    /** The float logits of a row, null for null; valid until the next call. */
    float[] floats(ArrayData values) {
        if (values == null) {
            return null;
        }
        int n = values.numElements();
        if (floats == null || floats.length != n) {
            floats = new float[n];
        }
        if (values instanceof UnsafeArrayData) {
            RowReader.copy((UnsafeArrayData) values, floats);
        } else {
            for (int i = 0; i < n; i++) {
                floats[i] = values.isNullAt(i) ? 0f : values.getFloat(i);
            }
        }
        RowValues.checkNullElements(values, true, "logits");
        return floats;
    }

    /** The double logits of a row, null for null; valid until the next call. */
    double[] doubles(ArrayData values) {
        return doubles(values, "logits", false);
    }

    /** A row of target probabilities ({@code array<double>}), null for null; valid until the next call. */
    double[] probabilities(ArrayData values) {
        return doubles(values, "probabilities", true);
    }

    private double[] doubles(ArrayData values, String what, boolean target) {
        if (values == null) {
            return null;
        }
        int n = values.numElements();
        double[] out = target ? probabilities : doubles;
        if (out == null || out.length != n) {
            out = new double[n];
            if (target) {
                probabilities = out;
            } else {
                doubles = out;
            }
        }
        if (values instanceof UnsafeArrayData) {
            RowReader.copy((UnsafeArrayData) values, out);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = values.isNullAt(i) ? 0.0 : values.getDouble(i);
            }
        }
        RowValues.checkNullElements(values, false, what);
        return out;
    }

    private static final class Key {
        final CrossEntropyOptions options;
        final int classes;

        Key(CrossEntropyOptions options, int classes) {
            this.options = options;
            this.classes = classes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).options.equals(options) && ((Key) o).classes == classes;
        }

        @Override
        public int hashCode() {
            return Objects.hash(options, classes);
        }
    }
}
