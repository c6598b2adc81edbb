package dev.xent.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * Fills an {@link EvaluationRow} from Spark's internal form of {@link InputColumns#aggregateInputs()} (an
 * {@link InternalRow}, its columns from position {@code first} on, in {@link EvaluationRow}'s property order).
 * Arrays are copied straight into primitive arrays: no element is boxed, which the bean encoder's deserializer does
 * (it maps every element through a boxed object before building the array). Logits of the expected length C are
 * copied into one buffer per reader, reused row after row (a new array per row made scans several times slower:
 * allocating and clearing it cost more than the arithmetic), so a row's logits are valid until the next
 * {@link #read}. A null element reads as 0 here; the {@code nullElements} column flags it. A null inner array of a
 * sequence stays null.
 */
final class EvaluationRowReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int first;
    private final int classes;
    private transient float[] floats;
    private transient double[] doubles;

    /** Reads the eleven aggregate-input columns at positions {@code first .. first + 10}; C is {@code classes}. */
    EvaluationRowReader(int first, int classes) {
        this.first = first;
        this.classes = classes;
    }

    /** Overwrites every property of {@code into} from {@code row}; returns {@code into}. */
    EvaluationRow read(InternalRow row, EvaluationRow into) {
        int i = first;
        into.setBinaryLogits(row.isNullAt(i) ? null : row.getBinary(i));
        into.setDoubleLogits(row.isNullAt(i + 1) ? null : doubles(row.getArray(i + 1)));
        into.setDoubleSequence(row.isNullAt(i + 2) ? null : doubleSequence(row.getArray(i + 2)));
        into.setFloatLogits(row.isNullAt(i + 3) ? null : floats(row.getArray(i + 3)));
        into.setFloatSequence(row.isNullAt(i + 4) ? null : floatSequence(row.getArray(i + 4)));
        into.setNullElements(!row.isNullAt(i + 5) && row.getBoolean(i + 5));
        into.setProbabilities(row.isNullAt(i + 6) ? null : row.getArray(i + 6).toDoubleArray());
        into.setSequenceBytes(row.isNullAt(i + 7) ? null : row.getLong(i + 7));
        into.setSequenceWords(row.isNullAt(i + 8) ? null : row.getLong(i + 8));
        into.setTarget(row.isNullAt(i + 9) ? null : row.getLong(i + 9));
        into.setTargetSequence(row.isNullAt(i + 10) ? null : row.getArray(i + 10).toLongArray());
        return into;
    }

    /** The logits in the reused buffer when there are C of them, else in a new array. */
    private float[] floats(ArrayData logits) {
        int n = logits.numElements();
        if (n != classes || !(logits instanceof UnsafeArrayData)) {
            return logits.toFloatArray();
        }
        if (floats == null) {
            floats = new float[classes];
        }
        UnsafeArrayData unsafe = (UnsafeArrayData) logits;
        Platform.copyMemory(unsafe.getBaseObject(), unsafe.getBaseOffset() + headerBytes(n), floats,
                Platform.FLOAT_ARRAY_OFFSET, 4L * n);
        return floats;
    }

    /** As {@link #floats} for double logits. */
    private double[] doubles(ArrayData logits) {
        int n = logits.numElements();
        if (n != classes || !(logits instanceof UnsafeArrayData)) {
            return logits.toDoubleArray();
        }
        if (doubles == null) {
            doubles = new double[classes];
        }
        UnsafeArrayData unsafe = (UnsafeArrayData) logits;
        Platform.copyMemory(unsafe.getBaseObject(), unsafe.getBaseOffset() + headerBytes(n), doubles,
                Platform.DOUBLE_ARRAY_OFFSET, 8L * n);
        return doubles;
    }

    /** The bytes before an unsafe array's values: its length and its null bits. */
    private static long headerBytes(int n) {
        return UnsafeArrayData.calculateHeaderPortionInBytes(n);
    }

    private static double[][] doubleSequence(ArrayData tokens) {
        double[][] out = new double[tokens.numElements()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = tokens.isNullAt(t) ? null : tokens.getArray(t).toDoubleArray();
        }
        return out;
    }

    private static float[][] floatSequence(ArrayData tokens) {
        float[][] out = new float[tokens.numElements()][];
        for (int t = 0; t < out.length; t++) {
            out[t] = tokens.isNullAt(t) ? null : tokens.getArray(t).toFloatArray();
        }
        return out;
    }
}
