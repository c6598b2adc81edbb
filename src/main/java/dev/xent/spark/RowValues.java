package dev.xent.spark;

import dev.xent.core.RowRule;
import dev.xent.core.LogitsEncoding;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.ShortType;

/**
 * Converts the values a Spark UDF receives (a Scala {@code Seq} of boxed numbers, an MLlib {@code Vector}, a
 * primitive array), and Spark's internal arrays, into {@code double[]}, and class indices into {@code long}. A null
 * element or a value that is not a number makes the row invalid, unless the row also holds a NaN: then its loss is
 * NaN whatever the null stands for, and the null reads as 0, as in the aggregate (see
 * {@code InputColumns.hasNullElement}). A null array gives null.
 */
final class RowValues {
    private RowValues() {
    }

    /** {@link #doubles(Object, String)}, with binary values decoded as {@code encoding} (when not null). */
    static double[] doubles(Object value, String what, LogitsEncoding encoding) {
        if (value instanceof byte[] && encoding != null) {
            return doubles(encoding.decode((byte[]) value), what);
        }
        return doubles(value, what);
    }

    /** The values of an array-like input as doubles, or null for null. */
    static double[] doubles(Object value, String what) {
        if (value == null) {
            return null;
        }
        if (value instanceof double[]) {
            return (double[]) value;
        }
        if (value instanceof float[]) {
            return widen((float[]) value);
        }
        if (value instanceof Vector) {
            return ((Vector) value).toArray();
        }
        if (value instanceof scala.collection.Seq) {
            scala.collection.Seq<?> seq = (scala.collection.Seq<?>) value;
            double[] out = new double[seq.length()];
            scala.collection.Iterator<?> it = seq.iterator();
            int firstNull = -1;
            for (int i = 0; it.hasNext(); i++) {
                Object e = it.next();
                if (!(e instanceof Number)) {
                    firstNull = firstNull < 0 ? i : firstNull;
                    continue;
                }
                out[i] = ((Number) e).doubleValue();
            }
            RowRule.checkNulls(out, firstNull, what);
            return out;
        }
        throw new IllegalArgumentException(what + ": expected an array of numbers or a vector, got "
                + value.getClass().getName());
    }

    /**
     * The values of a Spark internal array of {@code float} or {@code double} ({@code isFloat} says which), read
     * without boxing; nulls as in {@link #doubles(Object, String)}: a null element makes the row invalid unless the
     * row holds a NaN (then it reads as 0). A null array gives null.
     */
    static double[] doubles(ArrayData values, boolean isFloat, String what) {
        if (values == null) {
            return null;
        }
        double[] out = isFloat ? widen(values.toFloatArray()) : values.toDoubleArray();
        checkNullElements(values, isFloat, what);
        return out;
    }

    /**
     * The rule for null elements of a Spark internal array of {@code float} or {@code double}: none, or one beside a
     * NaN (the row's loss is NaN whatever the null stands for; the null reads as 0) passes; a null element in a row
     * without a NaN makes the row invalid. Looks at the null bits first, a word at a time.
     */
    static void checkNullElements(ArrayData values, boolean isFloat, String what) {
        if (!RowReader.hasNull(values)) {
            return;
        }
        int firstNull = -1;
        boolean nan = false;
        for (int i = 0; i < values.numElements(); i++) {
            if (values.isNullAt(i)) {
                firstNull = firstNull < 0 ? i : firstNull;
            } else {
                nan |= isFloat ? Float.isNaN(values.getFloat(i)) : Double.isNaN(values.getDouble(i));
            }
        }
        if (RowRule.nullsMakeInvalid(true, nan)) {
            throw RowRule.nullElement(what, firstNull);
        }
    }

    /** The values widened to double (exactly). */
    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * The class index at {@code at} of a row that holds it as {@code type} (int, short or byte; anything else is
     * read as a long). The cell must not be null.
     */
    static long classIndex(InternalRow row, int at, DataType type) {
        if (type instanceof IntegerType) {
            return row.getInt(at);
        }
        if (type instanceof ShortType) {
            return row.getShort(at);
        }
        if (type instanceof ByteType) {
            return row.getByte(at);
        }
        return row.getLong(at);
    }

    /** A class index from an integral value. */
    static Long classIndex(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new IllegalArgumentException("target: expected an integer class index, got "
                + value.getClass().getName() + " " + value);
    }
}
