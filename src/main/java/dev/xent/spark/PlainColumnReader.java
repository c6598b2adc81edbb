package dev.xent.spark;

import dev.xent.core.RowRule;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.FloatType;

/**
 * Reads the common layout as stored, with no projection before it: an {@code array<float>} or
 * {@code array<double>} logits column at position {@code first} and, next to it, a class index of any integer type
 * or an {@code array<float|double>} of probabilities. Spark then hands over the scanned rows themselves, where
 * {@link InputColumns#aggregateInputs()} would make it copy every row (logits included) into a new one first.
 * Decisions are those of the general layout: a null element makes the row invalid, unless the array also holds a
 * NaN (then the null reads as 0 and the loss is NaN), as {@code InputColumns.hasNullElement} decides there.
 */
final class PlainColumnReader extends RowReader {
    private static final long serialVersionUID = 1L;

    private final int first;
    private final boolean floatLogits;
    private final boolean logitsMayHoldNull;
    private final DataType targetType;
    private final boolean probabilities;
    private final boolean floatProbabilities;
    private final boolean probabilitiesMayHoldNull;

    /** True for the columns this reader takes as stored: array logits (not sequences) with any target. */
    static boolean reads(InputColumns columns) {
        return (columns.logitsType() == InputColumns.LogitsType.FLOAT_ARRAY
                || columns.logitsType() == InputColumns.LogitsType.DOUBLE_ARRAY) && !columns.textProbabilities();
    }

    /** {@code logitsType} and {@code targetType}: the stored types of the two columns. */
    PlainColumnReader(int first, int classes, DataType logitsType, DataType targetType) {
        super(classes);
        this.first = first;
        ArrayType logits = (ArrayType) logitsType;
        this.floatLogits = logits.elementType() instanceof FloatType;
        this.logitsMayHoldNull = logits.containsNull();
        this.targetType = targetType;
        this.probabilities = targetType instanceof ArrayType;
        this.floatProbabilities = probabilities && ((ArrayType) targetType).elementType() instanceof FloatType;
        this.probabilitiesMayHoldNull = probabilities && ((ArrayType) targetType).containsNull();
    }

    @Override
    EvaluationRow read(InternalRow row, EvaluationRow into) {
        into.setBinaryLogits(null);
        into.setDoubleSequence(null);
        into.setFloatSequence(null);
        into.setSequenceBytes(null);
        into.setSequenceWords(null);
        into.setTargetSequence(null);
        boolean nullElements = false;
        ArrayData logits = row.isNullAt(first) ? null : row.getArray(first);
        into.setFloatLogits(logits != null && floatLogits ? floats(logits) : null);
        into.setDoubleLogits(logits != null && !floatLogits ? doubles(logits) : null);
        if (logits != null && logitsMayHoldNull) {
            nullElements = nullWithoutNaN(logits, floatLogits);
        }
        int t = first + 1;
        if (probabilities) {
            ArrayData p = row.isNullAt(t) ? null : row.getArray(t);
            into.setProbabilities(p == null ? null : floatProbabilities ? RowValues.widen(p.toFloatArray()) : p.toDoubleArray());
            nullElements |= p != null && probabilitiesMayHoldNull && nullWithoutNaN(p, floatProbabilities);
            into.setTarget(null);
        } else {
            into.setProbabilities(null);
            into.setTarget(row.isNullAt(t) ? null : RowValues.classIndex(row, t, targetType));
        }
        into.setNullElements(nullElements);
        return into;
    }

    /** True when the row's null elements make it invalid ({@link RowRule#nullsMakeInvalid}). */
    private static boolean nullWithoutNaN(ArrayData values, boolean isFloat) {
        if (!hasNull(values)) {
            return false;
        }
        boolean nan = false;
        for (int i = 0; i < values.numElements() && !nan; i++) {
            nan = !values.isNullAt(i)
                    && (isFloat ? Float.isNaN(values.getFloat(i)) : Double.isNaN(values.getDouble(i)));
        }
        return RowRule.nullsMakeInvalid(true, nan);
    }
}
