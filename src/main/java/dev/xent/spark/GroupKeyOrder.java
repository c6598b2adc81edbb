package dev.xent.spark;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/**
 * Spark's ascending {@code orderBy} of group keys, on the driver, over the values {@code Row.get} gives: nulls first;
 * strings by their UTF-8 bytes (not Java's UTF-16 order); NaN above every other float or double, {@code -0.0} equal
 * to {@code 0.0}; dates and timestamps by their instant; booleans, integers and decimals by value. Only these types
 * ({@link #orders}); a key of another type (binary, nested, a collated string, a timestamp without time zone, an
 * interval) is left to Spark's own sort. {@link StateScan} sorts its few groups with it instead of a sort job, and a
 * state file's merged groups come out in the same order.
 */
public final class GroupKeyOrder {
    private static final Set<DataType> ORDERED = Set.of(DataTypes.StringType, DataTypes.BooleanType,
            DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType,
            DataTypes.DoubleType, DataTypes.DateType, DataTypes.TimestampType);

    private GroupKeyOrder() {
    }

    /** True when every key type is one this order knows. */
    static boolean orders(DataType[] keyTypes) {
        return Arrays.stream(keyTypes).allMatch(t -> ORDERED.contains(t) || t instanceof DecimalType);
    }

    /** Rows ordered by their first {@code keys} fields, as {@code orderBy} of those columns orders them. */
    static Comparator<Row> rows(int keys) {
        return (a, b) -> {
            for (int i = 0; i < keys; i++) {
                int c = compare(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /** Two values of one key column (of a type {@link #orders} accepts), in Spark's ascending order, nulls first. */
    @SuppressWarnings("unchecked")
    public static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof String) {
            return Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8),
                    ((String) b).getBytes(StandardCharsets.UTF_8));
        }
        if (a instanceof Double || a instanceof Float) {
            return compareDoubles(((Number) a).doubleValue(), ((Number) b).doubleValue());
        }
        if (a instanceof java.util.Date || a instanceof LocalDate || a instanceof Instant) {
            int c = Long.compare(epoch(a), epoch(b));
            return c != 0 ? c : Integer.compare(nanos(a), nanos(b));
        }
        if (a instanceof BigDecimal) {
            return ((BigDecimal) a).compareTo((BigDecimal) b);
        }
        return ((Comparable<Object>) a).compareTo(b);
    }

    private static int compareDoubles(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.isNaN(x) ? (Double.isNaN(y) ? 0 : 1) : -1;
        }
        return x == y ? 0 : x < y ? -1 : 1; // -0.0 == 0.0
    }

    private static long epoch(Object v) {
        if (v instanceof java.sql.Date) {
            return ((java.sql.Date) v).toLocalDate().toEpochDay();
        }
        if (v instanceof LocalDate) {
            return ((LocalDate) v).toEpochDay();
        }
        return (v instanceof Instant ? (Instant) v : ((Timestamp) v).toInstant()).getEpochSecond();
    }

    private static int nanos(Object v) {
        return v instanceof Instant ? ((Instant) v).getNano() : v instanceof Timestamp ? ((Timestamp) v).getNanos() : 0;
    }
}
