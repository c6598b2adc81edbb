package dev.xent.spark;

import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;

/**
 * The per-row losses ({@code reduction='none'}) of one partition: each row (Spark's internal form: the columns
 * kept, then the logits as {@link InputColumns#logitsArray()} gives them, then {@link InputColumns#target()}) gives
 * the kept values and its loss, a {@code double} ({@link RowLossFunction}) or, for a language-model row, the
 * per-token {@code array<double>} ({@link SequenceLossFunction}). Logits are read from Spark's arrays without
 * boxing. An invalid row throws the core's {@link dev.xent.core.InvalidRowException}.
 */
final class PartitionLosses implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    private final DataType[] keptTypes;
    private final InputColumns.LogitsType logitsType;
    private final RowLossFunction rowLoss;
    private final SequenceLossFunction sequenceLoss;
    private final boolean probabilityTargets;
    private transient float[] buffer;

    /** {@code probabilityTargets}: the target column is {@code array<double>}, else a {@code bigint} index. */
    PartitionLosses(DataType[] keptTypes, InputColumns.LogitsType logitsType, boolean probabilityTargets,
            RowLossFunction rowLoss, SequenceLossFunction sequenceLoss) {
        this.keptTypes = keptTypes.clone();
        this.probabilityTargets = probabilityTargets;
        this.logitsType = logitsType;
        this.rowLoss = rowLoss;
        this.sequenceLoss = sequenceLoss;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        KeptColumns kept = new KeptColumns(keptTypes);
        int logits = keptTypes.length;
        int target = logits + 1;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                InternalRow row = rows.next();
                Object[] fields = new Object[keptTypes.length + 1];
                kept.copyInto(row, fields);
                fields[keptTypes.length] = loss(row, logits, target);
                return RowFactory.create(fields);
            }
        };
    }

    /** The loss of {@code row} whose logits and target are at these positions (invalid: throws). */
    Object loss(InternalRow row, int logits, int target) {
        boolean sequence = logitsType == InputColumns.LogitsType.FLOAT_SEQUENCE
                || logitsType == InputColumns.LogitsType.DOUBLE_SEQUENCE;
        return loss(row, logits, target, sequence ? null : targetValue(row, target));
    }

    /**
     * As {@link #loss(InternalRow, int, int)} with the row's target value given, as {@link #targetValue} reads it
     * (for a class index stored in a narrower type than {@code bigint}); a sequence's targets are still read at
     * {@code target}.
     */
    Object loss(InternalRow row, int logits, int target, Object targetValue) {
        ArrayData values = row.isNullAt(logits) || logitsType == InputColumns.LogitsType.BINARY ? null
                : row.getArray(logits);
        switch (logitsType) {
            case FLOAT_SEQUENCE:
            case DOUBLE_SEQUENCE:
                double[][] tokens = SequenceLossFunction.tokens(values,
                        logitsType == InputColumns.LogitsType.FLOAT_SEQUENCE);
                return sequenceLoss.losses(tokens,
                        SequenceLossFunction.targets(row.isNullAt(target) ? null : row.getArray(target)));
            case BINARY:
                return rowLoss.call(row.isNullAt(logits) ? null : row.getBinary(logits), targetValue);
            case FLOAT_ARRAY:
                float[] floats = values == null || RowReader.hasNull(values) ? null
                        : values instanceof UnsafeArrayData ? floats((UnsafeArrayData) values)
                        : values.toFloatArray(); // a scanned column's array: copied in bulk
                if (floats != null) {
                    return rowLoss.call(floats, targetValue);
                }
                return rowLoss.call(RowValues.doubles(values, true, "logits"), targetValue);
            default:
                return rowLoss.call(RowValues.doubles(values, false, "logits"), targetValue);
        }
    }

    /**
     * The row's float logits in a buffer reused row after row (a new array per row cost a tenth of a comparison's
     * scan), valid until the next call; each instance serves one task at a time.
     */
    private float[] floats(UnsafeArrayData values) {
        int n = values.numElements();
        if (buffer == null || buffer.length != n) {
            buffer = new float[n];
        }
        RowReader.copy(values, buffer);
        return buffer;
    }

    /** A class index ({@code Long}), the probabilities ({@code double[]}), or null. */
    private Object targetValue(InternalRow row, int target) {
        if (row.isNullAt(target)) {
            return null;
        }
        return probabilityTargets ? RowValues.doubles(row.getArray(target), false, "probabilities")
                : (Object) row.getLong(target);
    }
}
