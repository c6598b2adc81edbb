package dev.xent.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Builds test DataFrames {@code (id bigint, logits <type>, target <type>)} from plain arrays. */
public final class Frames {
    private Frames() {
    }

    /** How the logits column is stored. */
    public enum Logits {
        FLOAT_ARRAY,
        DOUBLE_ARRAY,
        VECTOR,
        TEXT
    }

    /** Class-index targets stored as {@code targetType} (tinyint, smallint, int or bigint). */
    public static Dataset<Row> withClassTargets(double[][] logits, long[] targets, Logits kind, DataType targetType) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("logits", logitsType(kind), true)
                .add("target", targetType, true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            rows.add(RowFactory.create((long) i, logitsValue(logits[i], kind), index(targets[i], targetType)));
        }
        return SharedSpark.get().createDataFrame(rows, schema);
    }

    /** Probability targets as {@code array<double>}. */
    public static Dataset<Row> withProbabilityTargets(double[][] logits, double[][] probabilities, Logits kind) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("logits", logitsType(kind), true)
                .add("target", DataTypes.createArrayType(DataTypes.DoubleType), true);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            rows.add(RowFactory.create((long) i, logitsValue(logits[i], kind), boxed(probabilities[i])));
        }
        return SharedSpark.get().createDataFrame(rows, schema);
    }

    static DataType logitsType(Logits kind) {
        switch (kind) {
            case FLOAT_ARRAY:
                return DataTypes.createArrayType(DataTypes.FloatType);
            case DOUBLE_ARRAY:
                return DataTypes.createArrayType(DataTypes.DoubleType);
            case VECTOR:
                return new VectorUDT();
            default:
                return DataTypes.StringType;
        }
    }

    static Object logitsValue(double[] x, Logits kind) {
        if (x == null) {
            return null;
        }
        switch (kind) {
            case FLOAT_ARRAY: {
                List<Float> out = new ArrayList<>();
                for (double v : x) {
                    out.add((float) v);
                }
                return out;
            }
            case DOUBLE_ARRAY:
                return boxed(x);
            case VECTOR:
                return Vectors.dense(x.clone());
            default: {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < x.length; i++) {
                    b.append(i == 0 ? "" : ", ").append(x[i]);
                }
                return b.append(']').toString();
            }
        }
    }

    static List<Double> boxed(double[] x) {
        if (x == null) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (double v : x) {
            out.add(v);
        }
        return out;
    }

    static Object index(long target, DataType type) {
        if (type.equals(DataTypes.ByteType)) {
            return (byte) target;
        }
        if (type.equals(DataTypes.ShortType)) {
            return (short) target;
        }
        if (type.equals(DataTypes.IntegerType)) {
            return (int) target;
        }
        return target;
    }
}
