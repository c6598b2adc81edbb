package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.Reduction;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every golden case with torch's values (random, named and large-vocabulary; not a sample) through the Spark paths:
 * {@link Evaluation} grouped by case, and the SQL functions {@code xent_loss} and {@code xent_agg} /
 * {@code xent_agg_probs} registered by {@link XentFunctions}, against torch's and the exact values.
 *
 * <p>An evaluation and a registration fix the options (C, weight, ignore index, label smoothing, input kind), and
 * the golden cases draw their options at random, so the cases are grouped by option set: one DataFrame, one
 * evaluation (grouped by case id) and one query of each function per option set. Option sets run four at a time;
 * each SQL set registers its functions in its own session. Cases without rows have no group and are left to
 * {@code GoldenConformanceTest}; the count of cases checked is asserted.
 */
class SparkGoldenTest {
    static final StructType INDEX = new StructType().add("case", DataTypes.StringType).add("id", DataTypes.LongType)
            .add("logits", DataTypes.createArrayType(DataTypes.DoubleType)).add("target", DataTypes.LongType);
    static final StructType PROBABILITIES = new StructType().add("case", DataTypes.StringType)
            .add("id", DataTypes.LongType).add("logits", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("target", DataTypes.createArrayType(DataTypes.DoubleType));

    static List<OptionSet> sets;
    static int casesWithRows;
    static ExecutorService pool;

    /** Cases that share their options, as one DataFrame of (case, id, logits, target). */
    record OptionSet(CrossEntropyOptions options, boolean probabilities, List<GoldenCase> cases) {
        Dataset<Row> frame(SparkSession spark) {
            List<Row> rows = new ArrayList<>();
            for (GoldenCase c : cases) {
                for (int i = 0; i < c.logits.length; i++) {
                    Object target = probabilities ? boxed(c.probabilities[i]) : (Object) c.targets[i];
                    rows.add(RowFactory.create(c.name, (long) i, boxed(c.logits[i]), target));
                }
            }
            return spark.createDataFrame(rows, probabilities ? PROBABILITIES : INDEX);
        }

        int rows() {
            return cases.stream().mapToInt(c -> c.logits.length).sum();
        }

        GoldenCase byName(String name) {
            return cases.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
        }
    }

    @BeforeAll
    static void groupByOptions() {
        List<GoldenCase> all = new ArrayList<>();
        for (String file : List.of("random.jsonl", "named.jsonl", "large_vocab.jsonl")) {
            GoldenCase.load(file).stream().filter(c -> c.node.has("expected")).forEach(all::add);
        }
        Map<String, OptionSet> byKey = new LinkedHashMap<>();
        for (GoldenCase c : all) {
            if (c.logits.length == 0) {
                continue;
            }
            casesWithRows++;
            String key = c.classes + " " + Arrays.toString(c.weight) + " " + c.ignoreIndex + " " + c.labelSmoothing
                    + " " + c.inputKind + " " + c.hasProbabilityTargets();
            byKey.computeIfAbsent(key, k -> new OptionSet(
                    c.options(Reduction.MEAN).toBuilder().classes(c.classes).build(), c.hasProbabilityTargets(),
                    new ArrayList<>())).cases().add(c);
        }
        sets = new ArrayList<>(byKey.values());
        assertTrue(casesWithRows > 1000, "the whole golden suite, not a sample: " + casesWithRows + " cases");
        pool = Executors.newFixedThreadPool(4);
        System.out.println("[spark-golden] " + casesWithRows + " cases with rows in " + sets.size() + " option sets");
    }

    @AfterAll
    static void report() {
        pool.shutdown();
        System.out.println("[spark-golden] " + TorchMatch.report());
    }

    @Test
    void evaluationGroupedByCaseGivesTorchsNumbers() throws Exception {
        int checked = runAll(set -> {
            Evaluation evaluation = Evaluation.of(set.frame(SharedSpark.get())).options(set.options())
                    .groupBy(List.of("case"));
            EvaluationResult result = evaluation.run();
            Map<String, double[]> rowLosses = new HashMap<>();
            List<Row> perRow = evaluation.perRowLosses().collectAsList();
            assertEquals(set.rows(), perRow.size(), "per-row losses of " + set.cases());
            for (Row r : perRow) {
                String name = r.getString(r.fieldIndex("case"));
                double[] losses = rowLosses.computeIfAbsent(name, n -> new double[set.byName(n).logits.length]);
                losses[(int) r.getLong(r.fieldIndex("id"))] = r.getDouble(r.fieldIndex("loss"));
            }
            for (EvaluationResult.Group g : result.groups()) {
                GoldenCase c = set.byName((String) g.key().get("case"));
                checkCase(c, "evaluation", g.state().sum(), g.state().mean(), rowLosses.get(c.name));
            }
            return result.groups().size();
        });
        assertEquals(casesWithRows, checked, "cases checked through Evaluation");
    }

    @Test
    void sqlFunctionsGroupedByCaseGiveTorchsNumbers() throws Exception {
        int checked = runAll(set -> {
            SparkSession session = SharedSpark.get().newSession();
            XentFunctions.register(session, set.options());
            set.frame(session).createOrReplaceTempView("golden");
            String aggregate = set.probabilities() ? "xent_agg_probs" : "xent_agg";
            List<Row> groups = session.sql("SELECT `case`, " + aggregate + "(logits, target) AS s FROM golden "
                    + "GROUP BY `case`").collectAsList();
            Map<String, double[]> rowLosses = new HashMap<>();
            List<Row> perRow = session.sql("SELECT `case`, id, xent_loss(logits, target) FROM golden").collectAsList();
            assertEquals(set.rows(), perRow.size(), "per-row losses of " + set.cases());
            for (Row r : perRow) {
                double[] losses = rowLosses.computeIfAbsent(r.getString(0),
                        n -> new double[set.byName(n).logits.length]);
                losses[(int) r.getLong(1)] = r.getDouble(2);
            }
            for (Row g : groups) {
                GoldenCase c = set.byName(g.getString(0));
                Row s = g.getStruct(1);
                checkCase(c, "sql", s.getDouble(s.fieldIndex("sum")), s.getDouble(s.fieldIndex("mean")),
                        rowLosses.get(c.name));
            }
            return groups.size();
        });
        assertEquals(casesWithRows, checked, "cases checked through the SQL functions");
    }

    /** Runs {@code check} on every option set, four at a time; returns the total it returned. */
    static int runAll(SetCheck check) throws Exception {
        List<Future<Integer>> done = new ArrayList<>();
        for (OptionSet set : sets) {
            done.add(pool.submit(() -> check.run(set)));
        }
        int total = 0;
        for (Future<Integer> f : done) {
            total += f.get();
        }
        return total;
    }

    interface SetCheck {
        int run(OptionSet set) throws Exception;
    }

    static void checkCase(GoldenCase c, String path, double sum, double mean, double[] none) {
        JsonNode expected = c.node.get("expected");
        TorchMatch.check(c.name + " " + path + " sum", expected.get("sum"), c.exact("sum"), sum);
        TorchMatch.check(c.name + " " + path + " mean", expected.get("mean"), c.exact("mean"), mean);
        double[] torchNone = GoldenCase.numbers(expected.get("none"));
        double[] exactNone = GoldenCase.numbers(c.exact("none"));
        assertEquals(torchNone.length, none.length, c.name + " " + path + ": rows");
        for (int i = 0; i < none.length; i++) {
            TorchMatch.check(c.name + " " + path + " none[" + i + "]", torchNone[i], exactNone[i], none[i]);
        }
    }

    static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
