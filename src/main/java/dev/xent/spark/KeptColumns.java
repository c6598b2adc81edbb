package dev.xent.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.types.DataType;
import scala.Function1;
import scala.Function2;

/**
 * The columns a scan carries through unchanged (group keys, id columns), read from Spark's internal rows as the
 * external values a {@link org.apache.spark.sql.Row} holds. Each column's accessor and converter are made once, when
 * a task starts: {@code InternalRow.get(i, type)} looks the type up in the session's configuration on every call,
 * which cost a tenth of a scan. A null cell gives {@code null}; NaN and infinities pass through as they are.
 */
final class KeptColumns {
    private final int[] positions;
    private final List<Function2<SpecializedGetters, Object, Object>> access = new ArrayList<>();
    private final List<Function1<Object, Object>> toExternal = new ArrayList<>();

    /** The columns of these types at the positions 0, 1, ... of each row. */
    KeptColumns(DataType[] types) {
        this(types, IntStream.range(0, types.length).toArray());
    }

    /** The columns of these types at these positions of each row. */
    KeptColumns(DataType[] types, int[] positions) {
        this.positions = positions.clone();
        for (DataType t : types) {
            access.add(InternalRow.getAccessor(t, true));
            toExternal.add(CatalystTypeConverters.createToScalaConverter(t));
        }
    }

    /** How many columns are kept. */
    int size() {
        return positions.length;
    }

    /** The external value of the {@code i}th kept column of {@code row}. */
    Object value(InternalRow row, int i) {
        return toExternal.get(i).apply(access.get(i).apply(row, positions[i]));
    }

    /** Writes the kept columns' values of {@code row} into {@code fields[0 .. size())}. */
    void copyInto(InternalRow row, Object[] fields) {
        for (int i = 0; i < positions.length; i++) {
            fields[i] = value(row, i);
        }
    }

    /** The kept columns' values of {@code row}, as a list (a group's key). */
    List<Object> values(InternalRow row) {
        List<Object> values = new ArrayList<>(positions.length);
        for (int i = 0; i < positions.length; i++) {
            values.add(value(row, i));
        }
        return values;
    }
}
