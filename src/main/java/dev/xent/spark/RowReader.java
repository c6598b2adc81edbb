package dev.xent.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * Fills an {@link EvaluationRow} from one of Spark's internal rows, as the evaluation's scan reads them
 * ({@link PartitionScan}). Arrays are copied straight into primitive arrays: no element is boxed, as Spark's
 * encoders would (they map every element through a boxed object before building the array). Logits of the expected
 * length C are copied into one buffer per reader, reused row after row (a new array per row made scans several
 * times slower: allocating and clearing it cost more than the arithmetic), so a row's logits are valid until the
 * next {@link #read}. Each reader is used by one task at a time.
 */
abstract class RowReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    private transient float[] floats;
    private transient double[] doubles;

    /** {@code classes}: C, the length the buffers are kept for. */
    RowReader(int classes) {
        this.classes = classes;
    }

    /** Overwrites every property of {@code into} from {@code row}; returns {@code into}. */
    abstract EvaluationRow read(InternalRow row, EvaluationRow into);

    /** The logits in the reused buffer when there are C of them, else in a new array (a null element reads as 0). */
    final float[] floats(ArrayData logits) {
        int n = logits.numElements();
        if (n != classes || !(logits instanceof UnsafeArrayData)) {
            return logits.toFloatArray();
        }
        if (floats == null) {
            floats = new float[classes];
        }
        copy((UnsafeArrayData) logits, floats);
        return floats;
    }

    /** As {@link #floats} for double logits. */
    final double[] doubles(ArrayData logits) {
        int n = logits.numElements();
        if (n != classes || !(logits instanceof UnsafeArrayData)) {
            return logits.toDoubleArray();
        }
        if (doubles == null) {
            doubles = new double[classes];
        }
        copy((UnsafeArrayData) logits, doubles);
        return doubles;
    }

    /**
     * Copies the elements of Spark's unsafe float array into {@code into[0 .. n)}, in bulk (a null element's slot
     * holds 0 as Spark writes it; callers that care check {@link #hasNull} first). {@code into} has room for them.
     */
    static void copy(UnsafeArrayData values, float[] into) {
        int n = values.numElements();
        Platform.copyMemory(values.getBaseObject(), values.getBaseOffset() + headerBytes(n), into,
                Platform.FLOAT_ARRAY_OFFSET, 4L * n);
    }

    /** As {@link #copy(UnsafeArrayData, float[])} for a double array. */
    static void copy(UnsafeArrayData values, double[] into) {
        int n = values.numElements();
        Platform.copyMemory(values.getBaseObject(), values.getBaseOffset() + headerBytes(n), into,
                Platform.DOUBLE_ARRAY_OFFSET, 8L * n);
    }

    /** True when any element is null: for Spark's unsafe arrays, a look at the null bits, 64 elements at a time. */
    static boolean hasNull(ArrayData values) {
        int n = values.numElements();
        if (values instanceof UnsafeArrayData) {
            UnsafeArrayData unsafe = (UnsafeArrayData) values;
            long bits = unsafe.getBaseOffset() + 8; // after the element count
            for (int w = 0; w < (n + 63) / 64; w++) {
                if (Platform.getLong(unsafe.getBaseObject(), bits + 8L * w) != 0) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (values.isNullAt(i)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes before an unsafe array's values: its length and its null bits. */
    private static long headerBytes(int n) {
        return UnsafeArrayData.calculateHeaderPortionInBytes(n);
    }
}
