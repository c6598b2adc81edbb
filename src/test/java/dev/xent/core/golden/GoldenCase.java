package dev.xent.core.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.Reduction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One case of {@code src/test/resources/golden/*.jsonl}, with its inputs rebuilt exactly as
 * {@code generate_golden.py} built them for torch.
 */
public final class GoldenCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final String name;
    public final JsonNode node;
    public final int classes;
    public final double[][] logits;
    public final long[] targets;
    public final double[][] probabilities;
    public final double[] weight;
    public final long ignoreIndex;
    public final double labelSmoothing;
    public final InputKind inputKind;

    private GoldenCase(JsonNode node) {
        this.node = node;
        this.name = node.get("name").asText();
        this.classes = node.get("classes").asInt();
        this.ignoreIndex = node.has("ignore_index") ? node.get("ignore_index").asLong() : -100L;
        this.labelSmoothing = node.has("label_smoothing") ? number(node.get("label_smoothing")) : 0.0;
        this.inputKind = InputKind.parse(node.has("input_kind") ? node.get("input_kind").asText() : "logits");
        this.targets = node.has("target") ? longs(node.get("target")) : null;
        this.weight = weightOf(node);
        this.logits = node.has("logits") ? matrix(node.get("logits")) : generate(node.get("logits_gen"), targets);
        if (node.has("probs")) {
            this.probabilities = matrix(node.get("probs"));
        } else if (node.has("probs_gen")) {
            this.probabilities = generate(node.get("probs_gen"), null);
        } else {
            this.probabilities = null;
        }
    }

    /** Every case of one golden file (see {@link #nodes}). */
    public static List<GoldenCase> load(String file) {
        List<GoldenCase> cases = new ArrayList<>();
        for (JsonNode node : nodes(file)) {
            cases.add(new GoldenCase(node));
        }
        return cases;
    }

    /**
     * Every line of one golden file, parsed. Fails unless the file holds exactly the number of cases the generator
     * wrote into {@code counts.json}: a loop over the cases can then never pass by running zero or too few times.
     */
    public static List<JsonNode> nodes(String file) {
        List<JsonNode> cases = new ArrayList<>();
        try (BufferedReader reader = open(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    cases.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int written = expectedCount(file);
        if (cases.size() != written || written == 0) {
            throw new IllegalStateException("golden file " + file + " holds " + cases.size()
                    + " cases, but generate_golden.py wrote " + written + " (counts.json)");
        }
        return cases;
    }

    private static int expectedCount(String file) {
        try (BufferedReader reader = open("counts.json")) {
            JsonNode count = JSON.readTree(reader).get(file);
            if (count == null) {
                throw new IllegalStateException("counts.json has no count for golden file " + file);
            }
            return count.asInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedReader open(String file) {
        String resource = "/golden/" + file;
        InputStream in = GoldenCase.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + resource);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The case's exact value (mpmath, exact.py) of the figure torch's {@code expected} has under this key. */
    public JsonNode exact(String key) {
        JsonNode exact = node.get("exact");
        if (exact == null || !exact.has(key)) {
            throw new IllegalStateException(name + " has no exact value for " + key);
        }
        return exact.get(key);
    }

    public boolean hasProbabilityTargets() {
        return probabilities != null;
    }

    /** The case's options with the given reduction (may throw, for the error cases). */
    public CrossEntropyOptions options(Reduction reduction) {
        return CrossEntropyOptions.builder()
                .weight(weight)
                .ignoreIndex(ignoreIndex)
                .labelSmoothing(labelSmoothing)
                .inputKind(inputKind)
                .reduction(reduction)
                .build();
    }

    /** A float64 value as the generator wrote it: a number or "NaN", "Infinity", "-Infinity". */
    public static double number(JsonNode v) {
        if (v.isTextual()) {
            return Double.parseDouble(v.asText());
        }
        return v.doubleValue();
    }

    public static double[] numbers(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(array.get(i));
        }
        return out;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static double[][] matrix(JsonNode rows) {
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = numbers(rows.get(i));
        }
        return out;
    }

    private static double[] weightOf(JsonNode node) {
        if (node.hasNonNull("weight")) {
            return numbers(node.get("weight"));
        }
        if (!node.has("weight_gen")) {
            return null;
        }
        double[] base = generate(node.get("weight_gen"), null)[0];
        double offset = node.get("weight_offset").doubleValue();
        int zeroEvery = node.has("weight_zero_every") ? node.get("weight_zero_every").asInt() : 0;
        double[] w = new double[base.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = zeroEvery > 0 && c % zeroEvery == 0 ? 0.0 : base[c] + offset;
        }
        return w;
    }

    /** {@code gen_matrix} of the generator script. */
    public static double[][] generate(JsonNode spec, long[] targets) {
        SplitMix64 g = new SplitMix64(spec.get("seed").asLong());
        int rows = spec.get("rows").asInt();
        int cols = spec.get("cols").asInt();
        String shape = spec.get("shape").asText();
        double scale = spec.has("scale") ? spec.get("scale").doubleValue() : 1.0;
        double maskRate = spec.has("mask_rate") ? spec.get("mask_rate").doubleValue() : 0.0;
        double peak = spec.has("peak") ? spec.get("peak").doubleValue() : 0.0;
        boolean normalize = spec.has("normalize") && spec.get("normalize").asBoolean();
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            double[] row = out[i];
            for (int c = 0; c < cols; c++) {
                double v = value(g, shape, scale);
                if (maskRate > 0.0 && g.uniform() < maskRate) {
                    v = Double.NEGATIVE_INFINITY;
                }
                row[c] = v;
            }
            if (peak != 0.0 && targets != null && targets[i] >= 0 && targets[i] < cols) {
                row[(int) targets[i]] = row[(int) targets[i]] + peak;
            }
            if (normalize) {
                double s = 0.0;
                for (double v : row) {
                    s = s + v;
                }
                for (int c = 0; c < cols; c++) {
                    row[c] = row[c] / s;
                }
            }
        }
        return out;
    }

    private static double value(SplitMix64 g, String shape, double scale) {
        double u = g.uniform();
        switch (shape) {
            case "uniform":
                return scale * (2.0 * u - 1.0);
            case "cubic": {
                double t = 2.0 * u - 1.0;
                return scale * (t * t * t);
            }
            case "irwin": {
                double s = u + g.uniform();
                s = s + g.uniform();
                s = s + g.uniform();
                return scale * (s - 2.0);
            }
            case "negative":
                return -(scale * u);
            case "positive":
                return u + 0x1.0p-20;
            default:
                throw new IllegalArgumentException("unknown shape " + shape);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
