package dev.xent.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Reads the general layout: {@link InputColumns#aggregateInputs()} (an {@link InternalRow}, its columns from position
 * {@code first} on, in {@link EvaluationRow}'s property order), which covers every input type. A null element reads
 * as 0 here; the {@code nullElements} column flags it. A null inner array of a sequence stays null.
 */
final class EvaluationRowReader extends RowReader {
    private static final long serialVersionUID = 1L;

    private final int first;

    /** Reads the eleven aggregate-input columns at positions {@code first .. first + 10}; C is {@code classes}. */
    EvaluationRowReader(int first, int classes) {
        super(classes);
        this.first = first;
    }

    @Override
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
