package dev.xent.spark;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Checks the argument types of a catalog function call when Spark binds it ({@link XentCatalog}). A wrong type is
 * an {@link UnsupportedOperationException}, which Spark reports as an analysis error with the message, naming the
 * function, the argument and what was expected.
 */
final class CatalogArguments {
    static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType);
    static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType);
    static final DataType OPTIONS = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

    private final String function;
    private final StructType input;
    private final int required;

    CatalogArguments(String function, StructType input, int required, String usage) {
        this.function = function;
        this.input = input;
        this.required = required;
        int n = input.fields().length;
        if (n != required && n != required + 1) {
            throw new UnsupportedOperationException("xent." + function + " takes " + required + " or "
                    + (required + 1) + " arguments, " + usage + ", got " + n);
        }
        if (hasOptions() && !(type(required) instanceof MapType
                && ((MapType) type(required)).keyType() instanceof StringType
                && ((MapType) type(required)).valueType() instanceof StringType)) {
            throw fail(required, "options", "map<string,string> (keys " + dev.xent.core.OptionsReader.KEYS + ")");
        }
    }

    /** True when the call ends with an options map. */
    boolean hasOptions() {
        return input.fields().length > required;
    }

    DataType type(int i) {
        return input.fields()[i].dataType();
    }

    /** True for {@code array<float>}, false for {@code array<double>}; anything else fails. */
    boolean isFloatArray(int i, String what) {
        DataType t = type(i);
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof FloatType) {
            return true;
        }
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof DoubleType) {
            return false;
        }
        throw fail(i, what, "array<float> or array<double>");
    }

    /** True for Spark's integer types (tinyint, smallint, int, bigint): a class index or a count. */
    static boolean isIntegral(DataType t) {
        return t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType;
    }

    static boolean isFloatingArray(DataType t) {
        return t instanceof ArrayType && (((ArrayType) t).elementType() instanceof FloatType
                || ((ArrayType) t).elementType() instanceof DoubleType);
    }

    UnsupportedOperationException fail(int i, String what, String expected) {
        return new UnsupportedOperationException("xent." + function + ": argument " + (i + 1) + " (" + what
                + ") has type " + type(i).simpleString() + "; expected " + expected);
    }
}
