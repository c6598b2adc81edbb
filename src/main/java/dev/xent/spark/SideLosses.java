package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.Function2;

/**
 * The per-row losses of one or more models on one partition, for a comparison: each input row (Spark's internal
 * form: the kept columns, the target and one logits column per model, at the positions given) gives the kept values,
 * the target (a class index as {@code bigint}, whatever integer type it is stored in), its
 * normalizer share (the target's class weight; 1 for probability targets; 0 when ignored or invalid), whether the
 * target is the ignore index, and for each model its loss ({@link PartitionLosses}, the row rule of every path)
 * and, for an invalid row, the reason (then the loss is null). Nothing else, and never the logits, leaves it.
 */
final class SideLosses implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    private final DataType[] keptTypes;
    private final int[] keptAt;
    private final DataType targetType;
    private final int target;
    private final int[] logitsAt;
    private final PartitionLosses[] models;
    private final CrossEntropyOptions options;
    private final boolean probabilityTargets;
    private final boolean sequences;

    /**
     * {@code keptAt}, {@code target}, {@code logitsAt}: where the kept columns, the target and each model's logits
     * are in a row; {@code targetType} as the row holds it; {@code sequences}: language-model rows, each a sequence
     * of tokens (see {@link #sequence}).
     */
    SideLosses(DataType[] keptTypes, int[] keptAt, DataType targetType, int target, int[] logitsAt,
            PartitionLosses[] models, CrossEntropyOptions options, boolean probabilityTargets, boolean sequences) {
        this.sequences = sequences;
        this.keptTypes = keptTypes.clone();
        this.keptAt = keptAt.clone();
        this.targetType = targetType;
        this.target = target;
        this.logitsAt = logitsAt.clone();
        this.models = models.clone();
        this.options = options;
        this.probabilityTargets = probabilityTargets;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        KeptColumns kept = new KeptColumns(keptTypes, keptAt);
        Function2<SpecializedGetters, Object, Object> targetAccess = InternalRow.getAccessor(targetType, true);
        Function1<Object, Object> targetToExternal = CatalystTypeConverters.createToScalaConverter(targetType);
        boolean classIndex = !probabilityTargets && !sequences;
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                InternalRow row = rows.next();
                int k = keptTypes.length;
                Object[] fields = new Object[k + 3 + 2 * models.length];
                kept.copyInto(row, fields);
                boolean nullTarget = row.isNullAt(target);
                Long index = classIndex && !nullTarget ? RowValues.classIndex(row, target, targetType) : null;
                fields[k] = nullTarget ? null : classIndex ? index : targetToExternal.apply(targetAccess.apply(row,
                        target));
                if (sequences) {
                    return sequence(row, fields, k, target, nullTarget);
                }
                boolean ignored = index != null && index == options.ignoreIndex();
                boolean anyValid = false;
                for (int m = 0; m < models.length; m++) {
                    try {
                        fields[k + 3 + 2 * m] = (Double) models[m].loss(row, logitsAt[m], target, classIndex ? index
                                : nullTarget ? null : RowValues.doubles(row.getArray(target), false, "probabilities"));
                        anyValid = true;
                    } catch (InvalidRowException e) {
                        fields[k + 4 + 2 * m] = e.getMessage();
                    }
                }
                double weight = 0.0;
                if (anyValid && !ignored) {
                    weight = probabilityTargets || !options.hasWeight() ? 1.0 : options.weightOf((int) (long) index);
                }
                fields[k + 1] = weight;
                fields[k + 2] = ignored;
                return RowFactory.create(fields);
            }
        };
    }

    /**
     * A language-model row, the unit of the comparison: each model's loss is the sum of its token losses (exact,
     * correctly rounded), the weight the sum of the scored tokens' class weights (their count without weights), so
     * the paired ratio is the token-level mean and its standard error treats the sequence, not the token, as the
     * independent unit. A sequence whose every token is ignored is ignored.
     */
    private Row sequence(InternalRow row, Object[] fields, int k, int target, boolean nullTarget) {
        double weight = 0.0;
        boolean anyScored = false;
        if (!nullTarget) {
            org.apache.spark.sql.catalyst.util.ArrayData targets = row.getArray(target);
            for (int t = 0; t < targets.numElements(); t++) {
                if (!targets.isNullAt(t) && targets.getLong(t) != options.ignoreIndex()) {
                    anyScored = true;
                }
            }
            dev.xent.core.ExactSum weights = new dev.xent.core.ExactSum();
            for (int t = 0; t < targets.numElements(); t++) {
                long y = targets.isNullAt(t) ? options.ignoreIndex() : targets.getLong(t);
                if (y != options.ignoreIndex() && y >= 0) {
                    weights.add(options.hasWeight() && y < options.weight().length ? options.weightOf((int) y) : 1.0);
                }
            }
            weight = weights.value();
        }
        for (int m = 0; m < models.length; m++) {
            try {
                double[] losses = (double[]) models[m].loss(row, logitsAt[m], target);
                dev.xent.core.ExactSum sum = new dev.xent.core.ExactSum();
                for (double l : losses) {
                    sum.add(l);
                }
                fields[k + 3 + 2 * m] = sum.value();
            } catch (InvalidRowException e) {
                fields[k + 4 + 2 * m] = e.getMessage();
            }
        }
        fields[k + 1] = weight;
        fields[k + 2] = !anyScored;
        return RowFactory.create(fields);
    }
}
