package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.EvaluationResult;
import dev.xent.core.LossState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one scan of an {@link Evaluation}: Spark's internal rows are read ({@link PartitionScan}: no element is boxed)
 * into one exact state per partition and group, then the partial states are merged one way, by Spark's aggregate
 * per group ({@link StateMerge}: {@link LossState#merge}; exact sums, so any order gives the same bits), and the
 * groups' states into the total; the groups come out in {@code orderBy}'s order, sorted on the driver when their keys'
 * types allow ({@link GroupKeyOrder}). It counts the rows it reads and checks {@code rows = scored + ignored + rejected}
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
        LossState total = aggregator.emptyState();
        List<EvaluationResult.Group> groups = new ArrayList<>();
        long read = 0;
        try {
            // Partial states merged per group by Spark's aggregate (on the executors, then per group); no group-by
            // columns make it one global aggregate, which gives one row even for no input.
            Dataset<Row> partials = spec.input.sparkSession().createDataFrame(partial, partialSchema);
            Column state = functions.udaf(new StateMerge(aggregator), Encoders.BINARY())
                    .apply(col("__xent_state")).as("__xent_state");
            Column count = functions.sum("__xent_count").as("__xent_count");
            Column[] keys = groupBy.stream().map(n -> col(InputColumns.quote(n))).toArray(Column[]::new);
            Dataset<Row> merged = partials.groupBy(keys).agg(state, count);
            // The groups in orderBy's order: sorted here when the keys' types allow (no sampling job, no sort job).
            boolean sortHere = GroupKeyOrder.orders(keyTypes);
            List<Row> mergedRows = (k == 0 || sortHere ? merged : merged.orderBy(keys)).collectAsList();
            if (k > 0 && sortHere) {
                mergedRows = new ArrayList<>(mergedRows);
                mergedRows.sort(GroupKeyOrder.rows(k));
            }
            for (Row row : mergedRows) {
                LossState groupState = LossState.fromBytes((byte[]) row.get(k));
                total.merge(groupState);
                read += row.isNullAt(k + 1) ? 0 : row.getLong(k + 1);
                if (k > 0) {
                    Map<String, Object> key = new LinkedHashMap<>();
                    for (int i = 0; i < k; i++) {
                        key.put(groupBy.get(i), row.get(i));
                    }
                    groups.add(new EvaluationResult.Group(key, groupState));
                }
            }
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw InvalidRowNamer.named(e, spec, columns, kernelClasses);
        }
        if (total.rows() != read) {
            throw new IllegalStateException("row accounting failed: read " + read + " rows but scored "
                    + total.scored() + " + ignored " + total.ignored() + " + rejected " + total.rejected() + " = "
                    + total.rows());
        }
        return new EvaluationResult(total, reportedClasses, groups);
    }
}
