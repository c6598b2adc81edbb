package dev.xent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.Figure;
import dev.xent.core.LossState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * The summary of an evaluation as JSON: valid JSON everywhere, with non-finite numbers written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}. Text from the data (group keys, column names, paths)
 * goes through Jackson's string escaping. Doubles are written so they read back to the same bits. Every figure of
 * the state is written by looping over its values, at the top level or in the block it names ({@code metrics},
 * {@code language_model}, ...): this class names no figure.
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
        if (!result.groups().isEmpty()) {
            ArrayNode groups = root.putArray("groups");
            for (EvaluationResult.Group g : result.groups()) {
                ObjectNode node = groups.addObject();
                ObjectNode key = node.putObject("key");
                g.key().forEach((k, v) -> key.set(k, toNode(v)));
                putFigures(node, g.state());
            }
        }
        return root;
    }

    private static void putFigures(ObjectNode node, LossState s) {
        s.values().forEach((name, v) -> node.set(name, toNode(v)));
        for (Figure f : s.figures()) {
            ObjectNode block = f.block().isEmpty() ? node
                    : node.has(f.block()) ? (ObjectNode) node.get(f.block()) : node.putObject(f.block());
            f.values(s).forEach((name, v) -> block.set(name, toNode(v)));
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
