package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.RowRule;
import dev.xent.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * One table of awkward class-index rows sent through every Spark path — the evaluation scan, per-row losses, the
 * SQL per-row function {@code xent_loss} and the SQL aggregate {@code xent_agg}, and the catalog's {@code xent.loss}
 * and {@code xent.agg} with the options given per call — each requiring the same decision:
 * the same loss bits for a scored row, 0 for an ignored one, the same {@link InvalidRowException.Reason} for an
 * invalid one, as the core's {@link RowRule} and kernel decide. C is 3, given by the options.
 */
class RowRuleCrossPathTest {
    private static final CrossEntropyOptions OPTIONS = CrossEntropyOptions.builder().classes(3).ignoreIndex(-1)
            .build();
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    /** Each row: logits (null for a null array; a null element as a null Double), target (null for null). */
    private static Map<String, Object[]> table() {
        Map<String, Object[]> t = new LinkedHashMap<>();
        t.put("plain", new Object[] {new Double[] {1.0, 2.0, 3.0}, 0L});
        t.put("null array", new Object[] {null, 0L});
        t.put("empty array", new Object[] {new Double[] {}, 0L});
        t.put("null element", new Object[] {new Double[] {1.0, null, 3.0}, 0L});
        t.put("NaN beside a null", new Object[] {new Double[] {NAN, null, 1.0}, 0L});
        t.put("NaN", new Object[] {new Double[] {NAN, 2.0, 1.0}, 0L});
        t.put("+inf", new Object[] {new Double[] {INF, 2.0, 1.0}, 1L});
        t.put("-inf at the target", new Object[] {new Double[] {-INF, 2.0, 1.0}, 0L});
        t.put("wrong length", new Object[] {new Double[] {1.0, 2.0}, 0L});
        t.put("target out of range", new Object[] {new Double[] {1.0, 2.0, 3.0}, 3L});
        t.put("negative target", new Object[] {new Double[] {1.0, 2.0, 3.0}, -2L});
        t.put("null target", new Object[] {new Double[] {1.0, 2.0, 3.0}, null});
        t.put("the ignore index", new Object[] {new Double[] {1.0, null, 3.0}, -1L});
        return t;
    }

    private static Dataset<Row> frame(Object[] row) {
        StructType schema = new StructType()
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
                .add("target", DataTypes.LongType, true);
        Object logits = row[0] == null ? null : Arrays.asList((Double[]) row[0]);
        return SharedSpark.get().createDataFrame(List.of(RowFactory.create(logits, row[1])), schema);
    }

    /** What a path decided: "loss <bits>" or "invalid <reason>". */
    private static String decide(Function<Dataset<Row>, Double> path, Dataset<Row> df) {
        try {
            return loss(path.apply(df));
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            InvalidRowException invalid = Evaluation.findInvalidRow(e);
            if (invalid != null) {
                return "invalid " + invalid.reason();
            }
            if (String.valueOf(e.getMessage()).contains(InvalidRowException.class.getName() + ": ")) {
                return "invalid"; // Spark kept only the message, not the exception (a DataFrame job's failure)
            }
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Function<Dataset<Row>, Double>> paths() {
        SparkSession spark = SharedSpark.get();
        XentFunctions.register(spark, OPTIONS);
        Map<String, Function<Dataset<Row>, Double>> p = new LinkedHashMap<>();
        p.put("evaluation scan", df -> Evaluation.of(df).options(OPTIONS).run().total().sum());
        p.put("per-row losses", df -> {
            Evaluation e = Evaluation.of(df).options(OPTIONS);
            try {
                return e.perRowLosses().collectAsList().get(0).getAs("loss");
            } catch (Exception failure) { // SparkException is checked, though Scala throws it undeclared
                throw e.nameInvalidRow(failure);
            }
        });
        p.put("xent_loss", df -> df.select(XentFunctions.loss(df.col("logits"), df.col("target"), OPTIONS))
                .collectAsList().get(0).getDouble(0));
        p.put("xent_agg", df -> {
            df.createOrReplaceTempView("xent_row_rule");
            return spark.sql("SELECT xent_agg(logits, target).sum FROM xent_row_rule").collectAsList().get(0)
                    .getDouble(0);
        });
        spark.conf().set("spark.sql.catalog.xent", XentCatalog.class.getName());
        String perCall = "map('classes', '3', 'ignore_index', '-1')";
        p.put("xent.loss", df -> {
            df.createOrReplaceTempView("xent_row_rule");
            return spark.sql("SELECT xent.loss(logits, target, " + perCall + ") FROM xent_row_rule").collectAsList()
                    .get(0).getDouble(0);
        });
        p.put("xent.agg", df -> {
            df.createOrReplaceTempView("xent_row_rule");
            return spark.sql("SELECT xent.agg(logits, target, " + perCall + ").sum FROM xent_row_rule")
                    .collectAsList().get(0).getDouble(0);
        });
        return p;
    }

    /** The core's decision for the row ({@link RowRule}, then the kernel), as the reference. */
    private static String core(Object[] row) {
        Double[] boxed = (Double[]) row[0];
        Long target = (Long) row[1];
        CrossEntropy kernel = new CrossEntropy(OPTIONS, RowRule.classes(OPTIONS, boxed == null ? 0 : boxed.length));
        try {
            double[] x = null;
            if (boxed != null) {
                x = new double[boxed.length];
                int firstNull = -1;
                for (int i = 0; i < x.length; i++) {
                    firstNull = boxed[i] == null && firstNull < 0 ? i : firstNull;
                    x[i] = boxed[i] == null ? 0.0 : boxed[i];
                }
                RowRule.checkNulls(x, firstNull, "logits");
            }
            if (target == null) {
                throw new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "target is null");
            }
            return loss(kernel.loss(x, target));
        } catch (InvalidRowException e) {
            return "invalid " + e.reason();
        }
    }

    /** A loss's bits; every NaN is one decision, whatever its sign and payload. */
    private static String loss(double v) {
        return "loss " + (Double.isNaN(v) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(v)));
    }

    @Test
    void everyPathDecidesEveryRowAlike() {
        Map<String, Function<Dataset<Row>, Double>> paths = paths();
        List<String> disagreements = new ArrayList<>();
        for (Map.Entry<String, Object[]> row : table().entrySet()) {
            String expected = core(row.getValue());
            Dataset<Row> df = frame(row.getValue());
            for (Map.Entry<String, Function<Dataset<Row>, Double>> path : paths.entrySet()) {
                String actual = decide(path.getValue(), df);
                boolean same = actual.equals(expected) || actual.equals("invalid") && expected.startsWith("invalid ");
                if (!same) {
                    disagreements.add(row.getKey() + " through " + path.getKey() + ": " + actual + ", core: "
                            + expected);
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }
}
