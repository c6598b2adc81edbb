package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.EvaluationResult;
import dev.xent.core.LossState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one scan of an {@link Evaluation}: Spark's internal rows are read ({@link PartitionScan}: no element is boxed)
 * into one exact state per partition and group, then the partial states are merged with {@link LossState#merge}
 * (exact sums: any order gives the same bits) — in a tree when there are no groups, else per group by Spark's
 * group-by ({@link StateMerge}). It counts the rows it reads and checks {@code rows = scored + ignored + rejected}
 * before returning. An invalid row fails the job; the failure is named by {@link InvalidRowNamer}.
 */
final class StateScan {
    private StateScan() {
    }

    /** The evaluation's result, with C learned from the rows ({@code classes}; 0 when no row has logits). */
    static EvaluationResult run(EvaluationSpec spec, InputColumns columns, int classes) {
        int batch = ReaderBatch.rows(columns.isSequence() ? ReaderBatch.sequenceLogits(classes) : classes);
        if (classes == 0 && spec.options.classes() == 0) {
            // No row has logits: any row there is must be invalid; C = 1 lets the scan say so (or count it).
            return ReaderBatch.during(spec.input.sparkSession(), batch, () -> scan(spec, columns, 1, 0));
        }
        return ReaderBatch.during(spec.input.sparkSession(), batch, () -> scan(spec, columns, classes, classes));
    }

    private static EvaluationResult scan(EvaluationSpec spec, InputColumns columns, int kernelClasses,
            int reportedClasses) {
        List<String> groupBy = spec.groupBy;
        LossAggregator<byte[]> aggregator = LossAggregator.exact(spec.options, kernelClasses, columns, spec.policy)
                .withFigures(spec.figures);
        List<Column> scanned = new ArrayList<>();
        groupBy.forEach(n -> scanned.add(col(InputColumns.quote(n))));
        boolean plain = PlainColumnReader.reads(columns);
        scanned.addAll(plain ? List.of(col(InputColumns.quote(columns.logitsName())),
                col(InputColumns.quote(columns.targetName()))) : List.of(columns.aggregateInputs()));
        Dataset<Row> rows = spec.data().select(scanned.toArray(new Column[0]));
        int k = groupBy.size();
        RowReader reader = plain ? new PlainColumnReader(k, kernelClasses, rows.schema().fields()[k].dataType(),
                rows.schema().fields()[k + 1].dataType()) : new EvaluationRowReader(k, kernelClasses);
        StructType partialSchema = new StructType();
        DataType[] keyTypes = new DataType[k];
        for (int i = 0; i < k; i++) {
            StructField key = rows.schema().fields()[i];
            keyTypes[i] = key.dataType();
            partialSchema = partialSchema.add(groupBy.get(i), key.dataType(), key.nullable());
        }
        partialSchema = partialSchema.add("__xent_state", DataTypes.BinaryType).add("__xent_count",
                DataTypes.LongType);
        JavaRDD<Row> partial = rows.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new PartitionScan(aggregator, keyTypes, reader));
        EvaluationResult result;
        long read = 0;
        try {
            if (groupBy.isEmpty()) {
                // One state per partition, merged pairwise in a tree (on the executors when there are many).
                Row row = partial.treeAggregate(RowFactory.create(aggregator.emptyState().toBytes(), 0L),
                        new MergePartials(), new MergePartials(), 2);
                read = row.getLong(1);
                result = new EvaluationResult(LossState.fromBytes((byte[]) row.get(0)), reportedClasses, List.of());
            } else {
                Dataset<Row> partials = spec.input.sparkSession().createDataFrame(partial, partialSchema);
                Column state = functions.udaf(new StateMerge(aggregator), Encoders.BINARY())
                        .apply(col("__xent_state")).as("__xent_state");
                Column count = functions.sum("__xent_count").as("__xent_count");
                Column[] keys = groupBy.stream().map(n -> col(InputColumns.quote(n))).toArray(Column[]::new);
                List<Row> grouped = partials.groupBy(keys).agg(state, count).orderBy(keys).collectAsList();
                LossState total = aggregator.emptyState();
                List<EvaluationResult.Group> groups = new ArrayList<>();
                for (Row row : grouped) {
                    Map<String, Object> key = new LinkedHashMap<>();
                    for (int i = 0; i < k; i++) {
                        key.put(groupBy.get(i), row.get(i));
                    }
                    LossState groupState = LossState.fromBytes((byte[]) row.get(k));
                    total.merge(groupState);
                    groups.add(new EvaluationResult.Group(key, groupState));
                    read += row.getLong(k + 1);
                }
                result = new EvaluationResult(total, reportedClasses, groups);
            }
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw InvalidRowNamer.named(e, spec, columns, kernelClasses);
        }
        LossState total = result.total();
        if (total.rows() != read) {
            throw new IllegalStateException("row accounting failed: read " + read + " rows but scored "
                    + total.scored() + " + ignored " + total.ignored() + " + rejected " + total.rejected() + " = "
                    + total.rows());
        }
        return result;
    }

    /**
     * Two partial results ({@code [state bytes, rows read]}) merged into one. A class, not a lambda: Spark's closure
     * cleaner reads a lambda's class file from disk on every job, which took half of a small evaluation's time.
     */
    private static final class MergePartials implements Function2<Row, Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Row call(Row a, Row b) {
            LossState merged = LossState.fromBytes((byte[]) a.get(0)).merge(LossState.fromBytes((byte[]) b.get(0)));
            return RowFactory.create(merged.toBytes(), a.getLong(1) + b.getLong(1));
        }
    }
}
