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
 * One table of awkward rows — class-index rows and probability-target rows — sent through every Spark path: the
 * evaluation scan, the scan with {@code --on-invalid quarantine} (whose invalid-row namer, {@link
 * Evaluation#rejectedRows()}, must give the core's reason text), per-row losses, the SQL per-row function
 * {@code xent_loss} and the SQL aggregate {@code xent_agg} ({@code xent_agg_probs}), and the catalog's
 * {@code xent.loss} and {@code xent.agg} with the options given per call — each requiring the same decision: the
 * same loss bits for a scored row, 0 for an ignored one, the same {@link InvalidRowException.Reason} for an invalid
 * one, as the core's {@link RowRule} and kernel decide. C is 3, given by the options.
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

    /** Each row: logits, target probabilities (null for a null array; a null element as a null Double). */
    private static Map<String, Object[]> probabilityTable() {
        Map<String, Object[]> t = new LinkedHashMap<>();
        t.put("probabilities", new Object[] {new Double[] {1.0, 2.0, 3.0}, new Double[] {0.2, 0.3, 0.5}});
        t.put("probabilities not summing to 1", new Object[] {new Double[] {1.0, 2.0, 3.0},
            new Double[] {0.5, 0.5, 0.5}});
        t.put("negative probability", new Object[] {new Double[] {1.0, 2.0, 3.0}, new Double[] {-0.5, 1.0, 0.5}});
        t.put("null probabilities", new Object[] {new Double[] {1.0, 2.0, 3.0}, null});
        t.put("null probability element", new Object[] {new Double[] {1.0, 2.0, 3.0}, new Double[] {0.2, null, 0.8}});
        t.put("NaN beside a null probability", new Object[] {new Double[] {1.0, 2.0, 3.0},
            new Double[] {NAN, null, 0.8}});
        t.put("probabilities of the wrong length", new Object[] {new Double[] {1.0, 2.0, 3.0},
            new Double[] {0.5, 0.5}});
        t.put("null logits, probabilities", new Object[] {null, new Double[] {0.2, 0.3, 0.5}});
        t.put("null logit element, probabilities", new Object[] {new Double[] {1.0, null, 3.0},
            new Double[] {0.2, 0.3, 0.5}});
        t.put("NaN logit, probabilities", new Object[] {new Double[] {NAN, 2.0, 1.0}, new Double[] {0.2, 0.3, 0.5}});
        t.put("-inf logit, zero probability", new Object[] {new Double[] {-INF, 2.0, 1.0},
            new Double[] {0.0, 0.5, 0.5}});
        t.put("+inf logit, probabilities", new Object[] {new Double[] {INF, 2.0, 1.0}, new Double[] {0.2, 0.3, 0.5}});
        return t;
    }

    private static Dataset<Row> frame(Object[] row, boolean probabilities) {
        StructType schema = new StructType()
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
                .add("target", probabilities ? DataTypes.createArrayType(DataTypes.DoubleType, true)
                        : DataTypes.LongType, true);
        Object logits = row[0] == null ? null : Arrays.asList((Double[]) row[0]);
        Object target = probabilities && row[1] != null ? Arrays.asList((Double[]) row[1]) : row[1];
        return SharedSpark.get().createDataFrame(List.of(RowFactory.create(logits, target)), schema);
    }

    /** A row the quarantine path rejected, with the reason text its invalid-row namer gave. */
    private static final class Quarantined extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Quarantined(String reason) {
            super(reason);
        }
    }

    /** What a path decided: "loss <bits>", "invalid <reason>", or "quarantined: <reason text>". */
    private static String decide(Function<Dataset<Row>, Double> path, Dataset<Row> df) {
        try {
            return loss(path.apply(df));
        } catch (Quarantined q) {
            return "quarantined: " + q.getMessage();
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

    private static Map<String, Function<Dataset<Row>, Double>> paths(boolean probabilities) {
        SparkSession spark = SharedSpark.get();
        XentFunctions.register(spark, OPTIONS);
        Map<String, Function<Dataset<Row>, Double>> p = new LinkedHashMap<>();
        p.put("evaluation scan", df -> Evaluation.of(df).options(OPTIONS).run().total().sum());
        p.put("quarantine", df -> {
            Evaluation e = Evaluation.of(df).options(OPTIONS).rejectInvalid(true);
            dev.xent.core.LossState total = e.run().total();
            List<Row> rejected = e.rejectedRows().collectAsList();
            assertEquals(total.rejected(), rejected.size(), "the namer names every rejected row");
            if (total.rejected() > 0) {
                throw new Quarantined(rejected.get(0).getAs("reason"));
            }
            return total.sum();
        });
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
            return spark.sql("SELECT " + (probabilities ? "xent_agg_probs" : "xent_agg")
                    + "(logits, target).sum FROM xent_row_rule").collectAsList().get(0).getDouble(0);
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

    /**
     * The core's decision for the row ({@link RowRule}, then the kernel), as the reference: "loss <bits>", or
     * "invalid <reason>" and, for the quarantine path, "quarantined: <the reason's text>".
     */
    private static String core(Object[] row, boolean quarantine) {
        Double[] boxed = (Double[]) row[0];
        CrossEntropy kernel = new CrossEntropy(OPTIONS, RowRule.classes(OPTIONS, boxed == null ? 0 : boxed.length));
        try {
            double[] x = unboxed(boxed, "logits");
            if (row[1] instanceof Double[] || row[1] == null && probabilityRow(row)) {
                return loss(kernel.loss(x, unboxed((Double[]) row[1], "probabilities")));
            }
            if (row[1] == null) {
                throw new InvalidRowException(InvalidRowException.Reason.NULL_TARGET, "target is null");
            }
            return loss(kernel.loss(x, (Long) row[1]));
        } catch (InvalidRowException e) {
            return quarantine ? "quarantined: " + e.detail() : "invalid " + e.reason();
        }
    }

    /** True for a row of the probability table (its target is a probability array, maybe null). */
    private static boolean probabilityRow(Object[] row) {
        return row.length > 2;
    }

    /** The values with each null read as 0, after the row rule's null check; null for a null array. */
    private static double[] unboxed(Double[] boxed, String what) {
        if (boxed == null) {
            return null;
        }
        double[] x = new double[boxed.length];
        int firstNull = -1;
        for (int i = 0; i < x.length; i++) {
            firstNull = boxed[i] == null && firstNull < 0 ? i : firstNull;
            x[i] = boxed[i] == null ? 0.0 : boxed[i];
        }
        RowRule.checkNulls(x, firstNull, what);
        return x;
    }

    /** A loss's bits; every NaN is one decision, whatever its sign and payload. */
    private static String loss(double v) {
        return "loss " + (Double.isNaN(v) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(v)));
    }

    @Test
    void everyPathDecidesEveryClassIndexRowAlike() {
        assertEquals(List.of(), disagreements(table(), false));
    }

    @Test
    void everyPathDecidesEveryProbabilityRowAlike() {
        Map<String, Object[]> rows = new LinkedHashMap<>();
        probabilityTable().forEach((name, row) -> rows.put(name, new Object[] {row[0], row[1], "probabilities"}));
        assertEquals(List.of(), disagreements(rows, true));
    }

    private static List<String> disagreements(Map<String, Object[]> table, boolean probabilities) {
        Map<String, Function<Dataset<Row>, Double>> paths = paths(probabilities);
        List<String> disagreements = new ArrayList<>();
        for (Map.Entry<String, Object[]> row : table.entrySet()) {
            Dataset<Row> df = frame(row.getValue(), probabilities);
            for (Map.Entry<String, Function<Dataset<Row>, Double>> path : paths.entrySet()) {
                String expected = core(row.getValue(), path.getKey().equals("quarantine"));
                String actual = decide(path.getValue(), df);
                boolean same = actual.equals(expected) || actual.equals("invalid") && expected.startsWith("invalid ");
                if (!same) {
                    disagreements.add(row.getKey() + " through " + path.getKey() + ": " + actual + ", core: "
                            + expected);
                }
            }
        }
        return disagreements;
    }
}
