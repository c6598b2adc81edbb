package dev.xent.spark;

import dev.xent.core.LossState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * The evaluation's scan of one partition: every row (Spark's internal form: the group-by key columns, then the
 * columns its {@link RowReader} reads) goes through {@link LossAggregator#reduce} into the state of its group.
 * Emits one row per group seen: the key values, the state's bytes ({@link LossState#toBytes()}) and the number of
 * rows read. An empty partition emits nothing. Invalid rows fail the task as the aggregate decides (see
 * {@link LossAggregator}); the states are exact, so how rows fall into partitions never changes a result.
 */
final class PartitionScan implements FlatMapFunction<Iterator<InternalRow>, Row> {
    private static final long serialVersionUID = 1L;

    private final LossAggregator<byte[]> aggregator;
    private final DataType[] keyTypes;
    private final RowReader reader;

    /**
     * {@code keyTypes}: the group-by columns' types, in the order they lead each row (empty: one group);
     * {@code reader} reads the columns after them.
     */
    PartitionScan(LossAggregator<byte[]> aggregator, DataType[] keyTypes, RowReader reader) {
        this.aggregator = aggregator;
        this.keyTypes = keyTypes.clone();
        this.reader = reader;
    }

    @Override
    public Iterator<Row> call(Iterator<InternalRow> rows) {
        LossAggregator<byte[]> partition = aggregator; // deserialized afresh for each task: its own reject count
        KeptColumns keys = new KeptColumns(keyTypes);
        EvaluationRow values = new EvaluationRow();
        Map<List<Object>, Group> groups = new LinkedHashMap<>();
        Group only = null;
        while (rows.hasNext()) {
            InternalRow row = rows.next();
            Group group;
            if (keyTypes.length == 0) {
                group = only == null ? (only = new Group(List.of(), partition.emptyState())) : only;
            } else {
                group = groups.computeIfAbsent(keys.values(row), x -> new Group(x, partition.emptyState()));
            }
            partition.reduce(group.state, reader.read(row, values));
            group.rows++;
        }
        if (only != null) {
            groups.put(List.of(), only);
        }
        List<Row> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            Object[] fields = new Object[keyTypes.length + 2];
            for (int k = 0; k < keyTypes.length; k++) {
                fields[k] = g.key.get(k);
            }
            fields[keyTypes.length] = g.state.toBytes();
            fields[keyTypes.length + 1] = g.rows;
            out.add(RowFactory.create(fields));
        }
        return out.iterator();
    }

    private static final class Group {
        final List<Object> key;
        final LossState state;
        long rows;

        Group(List<Object> key, LossState state) {
            this.key = key;
            this.state = state;
        }
    }
}
