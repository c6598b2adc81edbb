package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures gathered beside the loss (--metrics, --per-class, and the standard error), each against a plain,
 * independent computation written here from its definition.
 */
class MetricsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int N = 600;
    static final int C = 7;
    static final double[] W = {1.0, 2.0, 0.5, 1.5, 1.0, 0.25, 3.0};

    @TempDir
    Path tmp;

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    static void close(String what, double expected, double actual) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void everyFigureMatchesItsDefinition() throws Exception {
        Random r = new Random(17);
        double[][] x = new double[N][C];
        int[] y = new int[N];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            List<Double> logits = new ArrayList<>();
            for (int c = 0; c < C; c++) {
                x[i][c] = Math.round(r.nextGaussian() * 3 * 8) / 8.0; // ties happen: argmax takes the first
                logits.add(x[i][c]);
            }
            y[i] = i % 13 == 0 ? -100 : r.nextInt(C);
            rows.add(RowFactory.create(i, logits, y[i]));
        }
        Path input = tmp.resolve("metrics.parquet");
        SharedSpark.get().createDataFrame(rows, new StructType().add("id", DataTypes.IntegerType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType)).add("target", DataTypes.IntegerType))
                .write().parquet(input.toString());
        StringBuilder weights = new StringBuilder();
        for (double w : W) {
            weights.append(weights.length() == 0 ? "" : ",").append(w);
        }
        CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--metrics", "--top-k", "3", "--per-class",
                "--weight", weights.toString(), "--partitions", "5");
        assertEquals(0, run.exitCode, run.toString());
        JsonNode s = JSON.readTree(run.out);

        int n = 0;
        int correct = 0;
        int top3 = 0;
        double entropy = 0;
        long[] binRows = new long[15];
        long[] binCorrect = new long[15];
        double[] binConfidence = new double[15];
        double lossSum = 0;
        double weightSum = 0;
        double brierSum = 0;
        double[] losses = new double[N];
        double[] classSum = new double[C];
        long[] classRows = new long[C];
        for (int i = 0; i < N; i++) {
            if (y[i] == -100) {
                continue;
            }
            double m = Double.NEGATIVE_INFINITY;
            for (double v : x[i]) {
                m = Math.max(m, v);
            }
            double z = 0;
            for (double v : x[i]) {
                z += Math.exp(v - m);
            }
            int argmax = 0;
            int above = 0;
            double h = 0;
            for (int c = 0; c < C; c++) {
                if (x[i][c] > x[i][argmax]) {
                    argmax = c;
                }
                if (x[i][c] > x[i][y[i]]) {
                    above++;
                }
                double p = Math.exp(x[i][c] - m) / z;
                h -= p * Math.log(p);
                double d = p - (c == y[i] ? 1 : 0);
                brierSum += W[y[i]] * d * d;
            }
            double confidence = 1 / z;
            int bin = Math.min(14, (int) (confidence * 15));
            n++;
            correct += argmax == y[i] ? 1 : 0;
            top3 += above < 3 ? 1 : 0;
            entropy += h;
            binRows[bin]++;
            binCorrect[bin] += argmax == y[i] ? 1 : 0;
            binConfidence[bin] += confidence;
            double loss = W[y[i]] * (Math.log(z) + m - x[i][y[i]]);
            losses[i] = loss;
            lossSum += loss;
            weightSum += W[y[i]];
            classSum[y[i]] += loss;
            classRows[y[i]]++;
        }
        double ece = 0;
        for (int b = 0; b < 15; b++) {
            if (binRows[b] > 0) {
                ece += (double) binRows[b] / n * Math.abs((double) binCorrect[b] / binRows[b]
                        - binConfidence[b] / binRows[b]);
            }
        }
        double mean = lossSum / weightSum;
        double squares = 0;
        for (int i = 0; i < N; i++) {
            if (y[i] != -100) {
                double d = losses[i] - mean * W[y[i]];
                squares += d * d;
            }
        }
        double standardError = Math.sqrt(squares * n / (n - 1.0)) / weightSum;

        JsonNode m = s.get("metrics");
        assertEquals(n, m.get("rows").asLong());
        close("accuracy", (double) correct / n, number(m.get("accuracy")));
        assertEquals(3, m.get("top_k").asInt());
        close("top-3 accuracy", (double) top3 / n, number(m.get("top_k_accuracy")));
        close("mean entropy", entropy / n, number(m.get("mean_entropy")));
        close("ECE", ece, number(m.get("expected_calibration_error")));
        close("mean", mean, number(s.get("mean")));
        close("Brier score", brierSum / weightSum, number(m.get("brier")));
        assertEquals(standardError, number(s.get("standard_error")), 1e-9 * standardError, "standard error");
        long binned = 0;
        for (JsonNode b : m.get("calibration_bins")) {
            binned += b.get("rows").asLong();
        }
        assertEquals(n, binned);
        JsonNode perClass = s.get("per_class");
        for (JsonNode c : perClass) {
            int k = c.get("class").asInt();
            assertEquals(classRows[k], c.get("rows").asLong(), "class " + k);
            close("class " + k + " sum", classSum[k], number(c.get("sum")));
            close("class " + k + " mean", classSum[k] / (classRows[k] * W[k]), number(c.get("mean")));
        }
        assertEquals(C, perClass.size());
        assertTrue(s.has("standard_error"));
    }

    @Test
    void figuresNeedClassIndexRows() throws Exception {
        CliRun soft = CliRun.of("evaluate", "--input", "data/digits/logits.jsonl", "--metrics", "--top-k", "0");
        assertEquals(2, soft.exitCode, soft.toString());
        assertTrue(soft.err.contains("--top-k"), soft.err);
    }
}
