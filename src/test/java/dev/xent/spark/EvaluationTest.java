package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import dev.xent.core.Reduction;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.Frames;
import dev.xent.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The Spark evaluation against torch's golden values and against the core, for every input type. */
class EvaluationTest {

    /** Golden cases small enough for a quick Spark job: class-index and probability targets. */
    static List<GoldenCase> sparkSizedGoldenCases() {
        List<GoldenCase> all = GoldenCase.load("random.jsonl");
        List<GoldenCase> index = all.stream()
                .filter(c -> !c.hasProbabilityTargets() && c.logits.length > 0 && c.classes <= 2000)
                .limit(24).collect(Collectors.toList());
        List<GoldenCase> soft = all.stream()
                .filter(c -> c.hasProbabilityTargets() && c.logits.length > 0 && c.classes <= 2000)
                .limit(8).collect(Collectors.toList());
        List<GoldenCase> out = new ArrayList<>(index);
        out.addAll(soft);
        return out;
    }

    @TestFactory
    Stream<DynamicTest> sparkGivesTorchsNumbersOnGoldenCases() {
        return sparkSizedGoldenCases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            Dataset<Row> df = c.hasProbabilityTargets()
                    ? Frames.withProbabilityTargets(c.logits, c.probabilities, Frames.Logits.DOUBLE_ARRAY)
                    : Frames.withClassTargets(c.logits, c.targets, Frames.Logits.DOUBLE_ARRAY, DataTypes.LongType);
            Evaluation evaluation = Evaluation.of(df).options(c.options(Reduction.MEAN)).partitions(3);
            EvaluationResult result = evaluation.run();
            JsonNode expected = c.node.get("expected");
            TorchMatch.check(c.name + " spark mean", GoldenCase.number(expected.get("mean")), result.total().mean());
            TorchMatch.check(c.name + " spark sum", GoldenCase.number(expected.get("sum")), result.total().sum());
            List<Row> rows = evaluation.perRowLosses().orderBy("id").collectAsList();
            double[] none = GoldenCase.numbers(expected.get("none"));
            assertEquals(none.length, rows.size());
            for (int i = 0; i < none.length; i++) {
                TorchMatch.check(c.name + " spark none[" + i + "]", none[i], rows.get(i).getDouble(
                        rows.get(i).fieldIndex("loss")));
            }
        }));
    }

    static double[][] randomLogits(Random r, int n, int c) {
        double[][] x = new double[n][c];
        for (double[] row : x) {
            for (int j = 0; j < c; j++) {
                row[j] = (float) (r.nextGaussian() * 4); // float-representable, so every storage holds the same
            }
        }
        return x;
    }

    @Test
    void everyLogitsTypeAndTargetTypeGivesTheCoresBits() {
        Random r = new Random(3);
        int n = 200;
        int c = 9;
        double[][] x = randomLogits(r, n, c);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 17 == 0 ? -100 : r.nextInt(c);
        }
        CrossEntropyOptions o = CrossEntropyOptions.builder().weight(1, 2, 3, 0.5, 1, 1, 2, 0, 4)
                .labelSmoothing(0.05).build();
        LossState expected = new CrossEntropyLoss(o).state(x, y);
        for (Frames.Logits kind : Frames.Logits.values()) {
            for (DataType t : List.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
                    DataTypes.LongType)) {
                Evaluation evaluation = Evaluation.of(Frames.withClassTargets(x, y, kind, t)).options(o);
                EvaluationResult result = evaluation.run();
                String what = kind + "/" + t.simpleString();
                List<Row> rows = evaluation.perRowLosses().orderBy("id").collectAsList();
                CrossEntropy kernel = new CrossEntropy(o, c);
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToRawLongBits(kernel.loss(x[i], y[i])),
                            Double.doubleToRawLongBits(rows.get(i).getDouble(rows.get(i).fieldIndex("loss"))),
                            what + " row " + i);
                }
                assertEquals(Double.doubleToRawLongBits(expected.mean()),
                        Double.doubleToRawLongBits(result.total().mean()), what);
                assertEquals(Double.doubleToRawLongBits(expected.sum()),
                        Double.doubleToRawLongBits(result.total().sum()), what);
                assertEquals(n, result.total().rows(), what);
                assertEquals(expected.ignored(), result.total().ignored(), what);
                assertEquals(c, result.classes(), what);
            }
        }
    }

    @Test
    void probabilityTargetsAsFloatOrDoubleArrays() {
        Random r = new Random(5);
        double[][] x = randomLogits(r, 50, 4);
        double[][] p = new double[50][];
        for (int i = 0; i < 50; i++) {
            float a = r.nextFloat();
            float b = r.nextFloat() * (1 - a);
            p[i] = new double[] {a, b, 0.25f, 1 - a - b};
        }
        CrossEntropyOptions o = CrossEntropyOptions.builder().labelSmoothing(0.1).build();
        LossState expected = new CrossEntropyLoss(o).state(x, p);
        Dataset<Row> df = Frames.withProbabilityTargets(x, p, Frames.Logits.FLOAT_ARRAY);
        for (Dataset<Row> input : List.of(df, df.withColumn("target",
                df.col("target").cast("array<float>")))) {
            Evaluation evaluation = Evaluation.of(input).options(o);
            EvaluationResult result = evaluation.run();
            assertEquals(LossState.Targets.PROBABILITIES, result.total().targets());
            assertEquals(Double.doubleToRawLongBits(expected.mean()),
                    Double.doubleToRawLongBits(result.total().mean()));
            List<Row> rows = evaluation.perRowLosses().orderBy("id").collectAsList();
            CrossEntropy kernel = new CrossEntropy(o, 4);
            for (int i = 0; i < 50; i++) {
                assertEquals(Double.doubleToRawLongBits(kernel.loss(x[i], p[i])),
                        Double.doubleToRawLongBits(rows.get(i).getDouble(rows.get(i).fieldIndex("loss"))), "row " + i);
            }
        }
    }

    @Test
    void groupsArePooledNotMeansOfMeans() {
        Random r = new Random(8);
        int n = 300;
        double[][] x = randomLogits(r, n, 5);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(5);
        }
        CrossEntropyOptions o = CrossEntropyOptions.builder().weight(0.2, 1, 3, 1, 0.5).build();
        Dataset<Row> df = Frames.withClassTargets(x, y, Frames.Logits.FLOAT_ARRAY, DataTypes.IntegerType)
                .withColumn("g", org.apache.spark.sql.functions.expr("CASE WHEN id % 3 = 0 THEN 'a' "
                        + "WHEN id % 3 = 1 THEN 'b' ELSE NULL END"));
        EvaluationResult result = Evaluation.of(df).options(o).groupBy(List.of("g")).run();
        assertEquals(3, result.groups().size());
        double meanOfMeans = 0;
        for (EvaluationResult.Group g : result.groups()) {
            Object key = g.key().get("g");
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Object k = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : null;
                if (java.util.Objects.equals(k, key)) {
                    members.add(i);
                }
            }
            double[][] gx = members.stream().map(i -> x[i]).toArray(double[][]::new);
            long[] gy = members.stream().mapToLong(i -> y[i]).toArray();
            LossState expected = new CrossEntropyLoss(o).state(gx, gy);
            assertEquals(Double.doubleToRawLongBits(expected.mean()), Double.doubleToRawLongBits(g.state().mean()),
                    "group " + key);
            meanOfMeans += g.state().mean() / 3;
        }
        assertEquals(null, result.groups().get(0).key().get("g"), "groups sorted, null key first");
        LossState all = new CrossEntropyLoss(o).state(x, y);
        assertEquals(Double.doubleToRawLongBits(all.mean()), Double.doubleToRawLongBits(result.total().mean()));
        assertNotEquals(all.mean(), meanOfMeans, 1e-6);
    }

    @Test
    void summaryBitsDoNotDependOnPartitioning() {
        Random r = new Random(13);
        int n = 1000;
        double[][] x = new double[n][6];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) {
                x[i][j] = r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
            }
            y[i] = r.nextInt(6);
        }
        CrossEntropyOptions o = CrossEntropyOptions.builder().weight(1, -0.5, 2, 0.1, 3, 1).labelSmoothing(0.3)
                .build();
        Dataset<Row> df = Frames.withClassTargets(x, y, Frames.Logits.DOUBLE_ARRAY, DataTypes.LongType);
        LossState reference = null;
        for (int partitions : new int[] {1, 3, 17}) {
            LossState s = Evaluation.of(df).options(o).partitions(partitions).run().total();
            if (reference == null) {
                reference = s;
            }
            assertEquals(Double.doubleToRawLongBits(reference.mean()), Double.doubleToRawLongBits(s.mean()),
                    partitions + " partitions");
            assertEquals(Double.doubleToRawLongBits(reference.sum()), Double.doubleToRawLongBits(s.sum()));
            assertEquals(Double.doubleToRawLongBits(reference.weightSum()), Double.doubleToRawLongBits(
                    s.weightSum()));
        }
    }

    @Test
    void columnProblemsAreNamedBeforeAnyJob() {
        Dataset<Row> df = Frames.withClassTargets(new double[][] {{1, 2}}, new long[] {0},
                Frames.Logits.DOUBLE_ARRAY, DataTypes.LongType);
        InputSchemaException missing = assertThrows(InputSchemaException.class,
                () -> Evaluation.of(df).logitsColumn("scores").run());
        assertTrue(missing.getMessage().contains("'scores'") && missing.getMessage().contains("logits:array<double>"),
                missing.getMessage());
        InputSchemaException wrongType = assertThrows(InputSchemaException.class,
                () -> Evaluation.of(df.withColumn("target", df.col("target").cast("string"))).run());
        assertTrue(wrongType.getMessage().contains("'target'") && wrongType.getMessage().contains("string"),
                wrongType.getMessage());
        assertThrows(InputSchemaException.class,
                () -> Evaluation.of(df.withColumn("logits", df.col("id"))).run());
        assertThrows(InputSchemaException.class, () -> Evaluation.of(df).groupBy(List.of("nope")).run());
    }

    @Test
    void anInvalidRowFailsTheJobAndIsNamedByItsIdColumns() {
        double[][] x = {{1, 2, 3}, {1, 2, 3}, {0, 0, 0}, {3, 2, 1}};
        Dataset<Row> df = Frames.withClassTargets(x, new long[] {0, 1, 7, 2}, Frames.Logits.DOUBLE_ARRAY,
                DataTypes.LongType);
        InvalidRowException e = assertThrows(InvalidRowException.class,
                () -> Evaluation.of(df).idColumns(List.of("id")).partitions(2).run());
        assertEquals("row {id=2}: target 7 is out of bounds: expected a class in [0, 3) or the ignore index -100",
                e.getMessage());
        InvalidRowException noIds = assertThrows(InvalidRowException.class, () -> Evaluation.of(df).run());
        assertTrue(noIds.getMessage().startsWith("row {id=2, target=7}: target 7"), noIds.getMessage());
        LossState rejected = Evaluation.of(df).rejectInvalid(true).run().total();
        assertEquals(1, rejected.rejected());
        assertEquals(3, rejected.scored());
        assertEquals(4, rejected.rows());
    }

    @Test
    void nullRowsAndNullElementsAreInvalidNeverZero() {
        Dataset<Row> df = SharedSpark.get().sql("SELECT * FROM VALUES "
                + "(0L, array(1.0D, 2.0D), 0L), (1L, array(1.0D, NULL), 1L), (2L, NULL, 0L), (3L, array(0D, 1D), NULL)"
                + " AS t(id, logits, target)");
        LossState s = Evaluation.of(df).rejectInvalid(true).run().total();
        assertEquals(3, s.rejected());
        assertEquals(1, s.scored());
        assertEquals(3, Evaluation.of(df).rejectInvalid(true).rejectedRows().count(), "quarantine agrees");
        // A row that also holds a NaN is scored as NaN (its loss is NaN whatever the null stands for).
        Dataset<Row> withNan = df.union(SharedSpark.get().sql("SELECT 4L, array(CAST('NaN' AS DOUBLE), NULL), 0L"));
        LossState n = Evaluation.of(withNan).rejectInvalid(true).run().total();
        assertEquals(3, n.rejected());
        assertEquals(2, n.scored());
        assertTrue(Double.isNaN(n.mean()));
        assertEquals(3, Evaluation.of(withNan).rejectInvalid(true).rejectedRows().count(), "quarantine agrees");
        InvalidRowException e = assertThrows(InvalidRowException.class,
                () -> Evaluation.of(df).idColumns(List.of("id")).run());
        assertTrue(e.getMessage().startsWith("row {id=1}: "), e.getMessage());
    }

    /** Per-row losses read Spark's arrays directly: a null element is named; with a NaN beside it, the loss is NaN. */
    @Test
    void perRowLossesNameANullElementOnFloatAndDoubleArrays() {
        for (String type : List.of("float", "double")) {
            Dataset<Row> df = SharedSpark.get().sql("SELECT id, CAST(logits AS array<" + type + ">) AS logits, "
                    + "target FROM VALUES (0L, array(1.0D, 2.0D, 3.0D), 2L), (1L, array(1.0D, 2.0D, NULL), 1L), "
                    + "(2L, array(CAST('NaN' AS DOUBLE), NULL, 0D), 0L) AS t(id, logits, target)");
            Evaluation bad = Evaluation.of(df.where("id <= 1")).idColumns(List.of("id"));
            Exception failure = assertThrows(Exception.class, () -> bad.perRowLosses().collectAsList());
            assertEquals("row {id=1}: logits hold a null or non-numeric element at position 2",
                    bad.nameInvalidRow(failure).getMessage(), type);
            assertNotEquals(null, Evaluation.findInvalidRow(failure), type + ": the core's error is the cause");
            List<Row> rows = Evaluation.of(df.where("id <> 1")).perRowLosses().orderBy("id").collectAsList();
            assertEquals(Double.doubleToRawLongBits(new CrossEntropy(CrossEntropyOptions.defaults(), 3)
                    .loss(new double[] {1, 2, 3}, 2)), Double.doubleToRawLongBits(rows.get(0).getDouble(2)), type);
            assertTrue(Double.isNaN(rows.get(1).getDouble(2)), type + ": NaN beside a null");
            InvalidRowException e = assertThrows(InvalidRowException.class, () -> bad.run(), type);
            assertTrue(e.getMessage().startsWith("row {id=1}: "), e.getMessage());
            LossState scored = Evaluation.of(df.where("id <> 1")).run().total();
            assertEquals(2, scored.scored(), type);
            assertTrue(Double.isNaN(scored.mean()), type + ": the aggregate scores NaN beside a null as NaN");
            Dataset<Row> soft = SharedSpark.get().sql("SELECT id, CAST(logits AS array<" + type + ">) AS logits, "
                    + "CAST(p AS array<" + type + ">) AS target FROM VALUES (0L, array(1D, 2D), array(0.5D, 0.5D)), "
                    + "(1L, array(1D, 2D), array(0.5D, NULL)) AS t(id, logits, p)");
            LossState softState = Evaluation.of(soft).rejectInvalid(true).run().total();
            assertEquals(1, softState.rejected(), type + ": a null probability makes the row invalid");
            assertEquals(1, softState.scored(), type);
        }
    }

    @Test
    void raggedRowsAreInvalid() {
        double[][] x = {{1, 2, 3}, {1, 2}, {0, 0, 0}};
        Dataset<Row> df = Frames.withClassTargets(x, new long[] {0, 1, 2}, Frames.Logits.FLOAT_ARRAY,
                DataTypes.IntegerType);
        InvalidRowException e = assertThrows(InvalidRowException.class,
                () -> Evaluation.of(df).idColumns(List.of("id")).run());
        assertEquals("row {id=1}: logits have 2 values; expected C = 3", e.getMessage());
        Evaluation evaluation = Evaluation.of(df).idColumns(List.of("id"));
        Exception failure = assertThrows(Exception.class, () -> evaluation.perRowLosses().collectAsList());
        assertEquals("row {id=1}: logits have 2 values; expected C = 3",
                evaluation.nameInvalidRow(failure).getMessage());
    }

    @Test
    void emptyInputGivesTorchsEmptyBatch() {
        Dataset<Row> df = Frames.withClassTargets(new double[0][], new long[0], Frames.Logits.DOUBLE_ARRAY,
                DataTypes.LongType);
        EvaluationResult r = Evaluation.of(df).run();
        assertTrue(Double.isNaN(r.total().mean()));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(r.total().sum()));
        assertEquals(0, r.total().rows());
        assertEquals(0, r.classes());
    }
}
