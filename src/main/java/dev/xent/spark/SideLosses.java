package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import scala.Function1;

/**
 * The per-row losses of one or more models on one partition, for a comparison: each input row (Spark's internal
 * form: the kept columns, the target, then one logits column per model) gives the kept values, the target, its
 * normalizer share (the target's class weight; 1 for probability targets; 0 when ignored or invalid), whether the
 * target is the ignore index, and for each model its loss ({@link PartitionLosses}, the row rule of every path)
 * and, for an invalid row, the reason (then the loss is null). Nothing else, and never the logits, leaves it.
 */
final class SideLosses implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    private final DataType[] keptTypes;
    private final DataType targetType;
    private final PartitionLosses[] models;
    private final CrossEntropyOptions options;
    private final boolean probabilityTargets;

    SideLosses(DataType[] keptTypes, DataType targetType, PartitionLosses[] models, CrossEntropyOptions options,
            boolean probabilityTargets) {
        this.keptTypes = keptTypes.clone();
        this.targetType = targetType;
        this.models = models.clone();
        this.options = options;
        this.probabilityTargets = probabilityTargets;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        List<Function1<Object, Object>> toExternal = new ArrayList<>();
        for (DataType t : keptTypes) {
            toExternal.add(CatalystTypeConverters.createToScalaConverter(t));
        }
        Function1<Object, Object> targetToExternal = CatalystTypeConverters.createToScalaConverter(targetType);
        int target = keptTypes.length;
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
                for (int i = 0; i < k; i++) {
                    fields[i] = toExternal.get(i).apply(row.get(i, keptTypes[i]));
                }
                boolean nullTarget = row.isNullAt(target);
                fields[k] = nullTarget ? null : targetToExternal.apply(row.get(target, targetType));
                boolean ignored = !probabilityTargets && !nullTarget && row.getLong(target) == options.ignoreIndex();
                boolean anyValid = false;
                for (int m = 0; m < models.length; m++) {
                    try {
                        fields[k + 3 + 2 * m] = (Double) models[m].loss(row, target + 1 + m, target);
                        anyValid = true;
                    } catch (InvalidRowException e) {
                        fields[k + 4 + 2 * m] = e.getMessage();
                    }
                }
                double weight = 0.0;
                if (anyValid && !ignored) {
                    weight = probabilityTargets || !options.hasWeight() ? 1.0 : options.weightOf((int) row.getLong(target));
                }
                fields[k + 1] = weight;
                fields[k + 2] = ignored;
                return RowFactory.create(fields);
            }
        };
    }
}
