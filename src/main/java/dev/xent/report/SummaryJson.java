package dev.xent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.ClassificationStats;
import dev.xent.core.LossState;
import dev.xent.core.PerClassStats;
import dev.xent.core.SequenceStats;
import dev.xent.spark.EvaluationResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * The summary of an evaluation as JSON: valid JSON everywhere, with non-finite numbers written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}. Text from the data (group keys, column names, paths)
 * goes through Jackson's string escaping. Doubles are written so they read back to the same bits.
 */
public final class SummaryJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SummaryJson() {
    }

    /**
     * The summary document.
     *
     * @param input   what was read: at least {@code path} and {@code format}
     * @param columns the column options: logits, target, group-by, id columns
     */
    public static ObjectNode of(EvaluationResult result, CrossEntropyOptions options, Map<String, Object> input,
            Map<String, Object> columns) {
        ObjectNode root = NODES.objectNode();
        root.set("input", toNode(input));
        ObjectNode opts = root.putObject("options");
        columns.forEach((k, v) -> opts.set(k, toNode(v)));
        if (options.hasWeight()) {
            ArrayNode w = opts.putArray("weight");
            for (double v : options.weight()) {
                w.add(number(v));
            }
        } else {
            opts.putNull("weight");
        }
        opts.put("ignore_index", options.ignoreIndex());
        opts.set("label_smoothing", number(options.labelSmoothing()));
        opts.put("input_kind", options.inputKind().name().toLowerCase(java.util.Locale.ROOT));
        opts.put("reduction", options.reduction().torchName());
        LossState total = result.total();
        root.put("targets", total.targets() == LossState.Targets.CLASS_INDEX ? "class_index" : "probabilities");
        root.put("classes", result.classes());
        putFigures(root, total);
        root.put("rejected", total.rejected());
        root.put("non_finite", total.nonFinite());
        root.put("non_finite_inputs", total.nonFiniteInputs());
        putLanguageModel(root, total);
        putClassification(root, total, options);
        if (!result.groups().isEmpty()) {
            ArrayNode groups = root.putArray("groups");
            for (EvaluationResult.Group g : result.groups()) {
                ObjectNode node = groups.addObject();
                ObjectNode key = node.putObject("key");
                g.key().forEach((k, v) -> key.set(k, toNode(v)));
                putFigures(node, g.state());
                putLanguageModel(node, g.state());
                putClassification(node, g.state(), options);
            }
        }
        return root;
    }

    private static void putFigures(ObjectNode node, LossState s) {
        node.set("mean", number(s.mean()));
        node.set("sum", number(s.sum()));
        node.set("standard_error", number(s.standardError()));
        node.put("rows", s.rows());
        node.put("scored", s.scored());
        node.put("ignored", s.ignored());
        node.set("weight_sum", number(s.weightSum()));
    }

    /**
     * For language-model rows: the token and sequence figures (see the README for their formulas). Bits per byte
     * and per word appear when byte or word counts were given.
     */
    private static void putLanguageModel(ObjectNode node, LossState s) {
        if (!s.hasSequences()) {
            return;
        }
        SequenceStats q = s.sequenceStats();
        double ln2 = Math.log(2.0);
        ObjectNode lm = node.putObject("language_model");
        lm.put("sequences", q.rows());
        lm.put("scored_sequences", q.sequences());
        lm.put("tokens", s.scored() + s.ignored());
        lm.put("scored_tokens", s.scored());
        lm.put("ignored_tokens", s.ignored());
        lm.set("token_mean_loss", number(s.mean()));
        lm.set("perplexity", number(Math.exp(s.mean())));
        lm.set("bits_per_token", number(s.mean() / ln2));
        lm.set("sequence_mean_loss", number(q.sequenceMeanLoss()));
        lm.set("sequence_mean_perplexity", number(q.sequenceMeanPerplexity()));
        if (q.bytes() > 0) {
            lm.put("bytes", q.bytes());
            lm.set("bits_per_byte", number(s.sum() / (ln2 * q.bytes())));
        }
        if (q.words() > 0) {
            lm.put("words", q.words());
            lm.set("bits_per_word", number(s.sum() / (ln2 * q.words())));
        }
    }

    /** Accuracy, top-k, entropy and calibration, and the per-class breakdown, when they were gathered. */
    private static void putClassification(ObjectNode node, LossState s, CrossEntropyOptions options) {
        ClassificationStats c = s.classification();
        if (c != null) {
            ObjectNode m = node.putObject("metrics");
            m.put("rows", c.rows());
            m.set("accuracy", number(c.accuracy()));
            m.put("top_k", c.topK());
            m.set("top_k_accuracy", number(c.topKAccuracy()));
            m.set("mean_entropy", number(c.meanEntropy()));
            m.set("expected_calibration_error", number(c.expectedCalibrationError()));
            ArrayNode bins = m.putArray("calibration_bins");
            for (int b = 0; b < ClassificationStats.BINS; b++) {
                ObjectNode bin = bins.addObject();
                bin.set("from", number((double) b / ClassificationStats.BINS));
                bin.set("to", number((double) (b + 1) / ClassificationStats.BINS));
                bin.put("rows", c.binRows(b));
                bin.set("accuracy", number(c.binRows(b) == 0 ? Double.NaN : (double) c.binCorrect(b) / c.binRows(b)));
                bin.set("mean_confidence", number(c.binRows(b) == 0 ? Double.NaN : c.binMeanConfidence(b)));
            }
        }
        PerClassStats p = s.perClass();
        if (p != null) {
            ArrayNode classes = node.putArray("per_class");
            p.rowsByClass().forEach((target, rows) -> {
                ObjectNode row = classes.addObject();
                double sum = p.lossSum(target);
                row.put("class", target);
                row.put("rows", rows);
                row.set("sum", number(sum));
                row.set("mean", number(sum / (rows * options.weightOf(target))));
            });
        }
    }

    /** A double as a JSON number, or as a string when it is not finite. */
    public static JsonNode number(double v) {
        if (Double.isNaN(v)) {
            return NODES.textNode("NaN");
        }
        if (Double.isInfinite(v)) {
            return NODES.textNode(v > 0 ? "Infinity" : "-Infinity");
        }
        return NODES.numberNode(v);
    }

    /** A value from the data or the options as JSON: numbers, booleans, strings, lists, maps; else its text. */
    public static JsonNode toNode(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return NODES.numberNode(((Number) v).longValue());
        }
        if (v instanceof BigDecimal) {
            return NODES.numberNode((BigDecimal) v);
        }
        if (v instanceof BigInteger) {
            return NODES.numberNode((BigInteger) v);
        }
        if (v instanceof Boolean) {
            return NODES.booleanNode((Boolean) v);
        }
        if (v instanceof Map) {
            ObjectNode o = NODES.objectNode();
            ((Map<?, ?>) v).forEach((k, x) -> o.set(String.valueOf(k), toNode(x)));
            return o;
        }
        if (v instanceof Iterable) {
            ArrayNode a = NODES.arrayNode();
            ((Iterable<?>) v).forEach(x -> a.add(toNode(x)));
            return a;
        }
        return NODES.textNode(String.valueOf(v));
    }

    /** Pretty-printed text, ending with a newline. */
    public static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
