package dev.xent.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator suite every MLlib evaluator has (params, read/write, numeric labels), then the real checks. */
class CrossEntropyEvaluatorTest {
    static Dataset<Row> iris;
    static Dataset<Row> digits;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        Dataset<Row> raw = SharedSpark.get().read().option("header", "true").option("inferSchema", "true")
                .csv("data/iris.csv");
        iris = new VectorAssembler()
                .setInputCols(new String[] {"sepal_length", "sepal_width", "petal_length", "petal_width"})
                .setOutputCol("features").transform(raw).cache();
        // The digits sample's logits as an MLlib vector column named rawPrediction, label as double.
        digits = SharedSpark.get().read().json("data/digits/logits.jsonl")
                .select(org.apache.spark.ml.functions.array_to_vector(col("logits")).as("rawPrediction"),
                        col("target").cast("double").as("label"), col("split"));
    }

    @Test
    void params() {
        CrossEntropyEvaluator e = new CrossEntropyEvaluator();
        assertEquals(8, e.params().length);
        for (Param<?> p : e.params()) {
            assertEquals(e.uid(), p.parent(), p.name());
            assertTrue(e.explainParams().contains(p.name()), p.name());
        }
        assertEquals("rawPrediction", e.getLogitsCol());
        assertEquals("label", e.getLabelCol());
        assertEquals(-100L, e.getIgnoreIndex());
        assertEquals(0.0, e.getLabelSmoothing(), 0.0);
        assertEquals("logits", e.getInputKind());
        assertEquals("mean", e.getMetricName());
        assertFalse(e.isDefined(e.classWeights()));
        assertFalse(e.isDefined(e.probabilityTargetCol()));
        assertFalse(e.isLargerBetter());
        assertSame(e, e.setMetricName("sum").setLabelSmoothing(0.2).setClassWeights(new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> e.setLabelSmoothing(1.5));
        assertThrows(IllegalArgumentException.class, () -> e.setMetricName("no_such_metric"));
        CrossEntropyEvaluator copy = e.copy(new ParamMap().put(e.metricName(), "perplexity"));
        assertEquals(e.uid(), copy.uid());
        assertEquals("perplexity", copy.getMetricName());
        assertEquals("sum", e.getMetricName());
        assertArrayEquals(new double[] {1, 2}, copy.getClassWeights(), 0.0);
    }

    @Test
    void readWriteRoundTrip() throws Exception {
        CrossEntropyEvaluator e = new CrossEntropyEvaluator().setLogitsCol("scores").setLabelCol("y")
                .setClassWeights(new double[] {0.5, 1, 2}).setIgnoreIndex(2).setLabelSmoothing(0.1)
                .setInputKind("logProbs").setMetricName("perplexity");
        String path = tmp.resolve("evaluator").toString();
        e.write().save(path);
        CrossEntropyEvaluator back = CrossEntropyEvaluator.load(path);
        assertEquals(e.uid(), back.uid());
        for (Param<?> p : e.params()) {
            assertEquals(e.isDefined(p), back.isDefined(p), p.name());
            if (p != e.classWeights() && e.isDefined(p)) {
                assertEquals(e.getOrDefault(p), back.getOrDefault(p), p.name());
            }
        }
        assertArrayEquals(e.getClassWeights(), back.getClassWeights(), 0.0);
        assertEquals(e.options(), back.options());
    }

    @Test
    void numericLabelTypes() {
        CrossEntropyEvaluator e = new CrossEntropyEvaluator();
        double expected = e.evaluate(digits);
        for (String type : List.of("tinyint", "smallint", "int", "bigint", "float", "double", "decimal(4,1)")) {
            Dataset<Row> typed = digits.withColumn("label", col("label").cast(type));
            assertEquals(expected, e.evaluate(typed), 0.0, type);
        }
        IllegalArgumentException fractional = assertThrows(IllegalArgumentException.class,
                () -> e.evaluate(digits.withColumn("label", col("label").plus(0.5))));
        assertTrue(fractional.getMessage().contains("not a whole class index"), fractional.getMessage());
    }

    @Test
    void getMetricsGivesEveryFigureFromOnePassAndMetricNameAcceptsEachOfThem() {
        CrossEntropyEvaluator e = new CrossEntropyEvaluator();
        Map<String, Double> metrics = e.getMetrics(digits);
        long correct = 0;
        long n = 0;
        for (Row r : digits.collectAsList()) {
            double[] x = ((Vector) r.get(0)).toArray();
            int argmax = 0;
            for (int c = 1; c < x.length; c++) {
                argmax = x[c] > x[argmax] ? c : argmax;
            }
            correct += argmax == (int) r.getDouble(1) ? 1 : 0;
            n++;
        }
        assertEquals((double) correct / n, metrics.get("accuracy"), 0.0);
        assertTrue(metrics.keySet().containsAll(List.of("mean", "sum", "perplexity", "standard_error", "accuracy",
                "top_k_accuracy", "mean_entropy", "expected_calibration_error", "brier")), metrics.keySet().toString());
        for (Map.Entry<String, Double> m : metrics.entrySet()) {
            e.setMetricName(m.getKey());
            assertEquals(Double.doubleToRawLongBits(m.getValue()), Double.doubleToRawLongBits(e.evaluate(digits)),
                    m.getKey());
            assertEquals(m.getKey().contains("accuracy"), e.isLargerBetter(), m.getKey());
        }
    }

    @Test
    void digitsRawPredictionGivesTorchsNumbers() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(Files.readString(Path.of("data/digits/expected.json")));
        CrossEntropyEvaluator e = new CrossEntropyEvaluator();
        TorchMatch.check("evaluator mean", expected.get("default").get("mean").doubleValue(), e.evaluate(digits));
        TorchMatch.check("evaluator sum", expected.get("default").get("sum").doubleValue(),
                e.setMetricName("sum").evaluate(digits));
        JsonNode smoothed = expected.get("weighted_smoothed");
        double[] w = new double[10];
        for (int c = 0; c < 10; c++) {
            w[c] = smoothed.get("options").get("weight").get(c).doubleValue();
        }
        CrossEntropyEvaluator weighted = new CrossEntropyEvaluator().setClassWeights(w).setLabelSmoothing(0.1);
        TorchMatch.check("evaluator weighted smoothed mean", smoothed.get("mean").doubleValue(),
                weighted.evaluate(digits));
        assertEquals(Math.exp(e.setMetricName("mean").evaluate(digits)),
                e.setMetricName("perplexity").evaluate(digits), 0.0);
    }

    @Test
    void logisticRegressionRawPredictionAgreesWithTheCoreAndWithMllibLogLoss() {
        LogisticRegressionModel model = new LogisticRegression().setFamily("multinomial").setRegParam(0.01)
                .setMaxIter(200).fit(iris);
        Dataset<Row> scored = model.transform(iris).cache();
        double xent = new CrossEntropyEvaluator().evaluate(scored);
        List<Row> rows = scored.select("rawPrediction", "label", "probability").collectAsList();
        double[][] margins = new double[rows.size()][];
        long[] labels = new long[rows.size()];
        double minProbability = 1;
        for (int i = 0; i < rows.size(); i++) {
            margins[i] = ((Vector) rows.get(i).get(0)).toArray();
            labels[i] = rows.get(i).getInt(1);
            double[] p = ((Vector) rows.get(i).get(2)).toArray();
            minProbability = Math.min(minProbability, p[(int) labels[i]]);
        }
        double core = new CrossEntropyLoss(CrossEntropyOptions.defaults()).reduce(margins, labels);
        assertEquals(Double.doubleToRawLongBits(core), Double.doubleToRawLongBits(xent));
        assertTrue(minProbability > 1e-15, "MLlib's eps clipping does not bite here: " + minProbability);
        double logLoss = new MulticlassClassificationEvaluator().setMetricName("logLoss")
                .setProbabilityCol("probability").evaluate(scored);
        assertEquals(logLoss, xent, 1e-12);
        double fromProbabilities = new CrossEntropyEvaluator().setLogitsCol("probability")
                .setInputKind("probabilities").evaluate(scored);
        assertEquals(logLoss, fromProbabilities, 1e-12);
    }

    @Test
    void crossValidatorSelectsTheSameModelAsLogLoss() {
        LogisticRegression lr = new LogisticRegression().setFamily("multinomial").setMaxIter(100);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {lr});
        ParamMap[] grid = new ParamGridBuilder().addGrid(lr.regParam(), new double[] {3.0, 0.3, 0.03, 0.003})
                .build();
        List<double[]> metrics = new ArrayList<>();
        List<Object> chosen = new ArrayList<>();
        for (Evaluator evaluator : new Evaluator[] {new CrossEntropyEvaluator(),
            new MulticlassClassificationEvaluator().setMetricName("logLoss")}) {
            CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEvaluator(evaluator)
                    .setEstimatorParamMaps(grid).setNumFolds(3).setSeed(7).fit(iris);
            metrics.add(cv.avgMetrics());
            LogisticRegressionModel best = (LogisticRegressionModel)
                    ((org.apache.spark.ml.PipelineModel) cv.bestModel()).stages()[0];
            chosen.add(best.getRegParam());
        }
        assertEquals(chosen.get(0), chosen.get(1));
        assertArrayEquals(metrics.get(1), metrics.get(0), 1e-9);
        assertNotEquals(3.0, chosen.get(0));
    }

    @Test
    void serviceLoaderFindsIt() {
        boolean found = false;
        for (Evaluator e : ServiceLoader.load(Evaluator.class)) {
            found |= e instanceof CrossEntropyEvaluator;
        }
        assertTrue(found);
    }
}
