package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;

/**
 * The options of one call of a catalog function ({@link XentCatalog}): the session's defaults (the
 * {@code spark.xent.*} settings, read when the call is bound), overridden by the call's optional trailing
 * {@code map<string,string>} with the keys {@code weight} (comma-separated numbers), {@code ignore_index} (an
 * integer), {@code label_smoothing} (a number in {@code [0, 1]}), {@code input_kind} ({@code logits},
 * {@code log_probs}, {@code probabilities}) and {@code classes} (C: a row of another length is invalid; without it C
 * is the weight's length, else, in {@code xent.loss}, each row's own and, in {@code xent.agg}, the first row's). A
 * null map, or a null value, keeps the default. An unknown key or a
 * bad value is an {@link IllegalArgumentException} naming it. The last map read is remembered (a literal map is the
 * same object on every row), so a constant map is parsed once per task.
 */
final class CallOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The keys a call's map may hold. */
    static final String KEYS = "weight, ignore_index, label_smoothing, input_kind, classes";

    private final CrossEntropyOptions defaults;
    private transient MapData lastMap;
    private transient CrossEntropyOptions lastOptions;

    CallOptions(CrossEntropyOptions defaults) {
        this.defaults = defaults;
    }

    CrossEntropyOptions defaults() {
        return defaults;
    }

    /** The options of a call with this map (null: the defaults). */
    CrossEntropyOptions of(MapData map) {
        if (map == null) {
            return defaults;
        }
        if (map != lastMap) {
            lastOptions = parse(map);
            lastMap = map;
        }
        return lastOptions;
    }

    private CrossEntropyOptions parse(MapData map) {
        ArrayData keys = map.keyArray();
        ArrayData values = map.valueArray();
        CrossEntropyOptions.Builder b = defaults.toBuilder();
        for (int i = 0; i < map.numElements(); i++) {
            String key = keys.getUTF8String(i).toString();
            if (values.isNullAt(i)) {
                continue;
            }
            set(b, key, values.getUTF8String(i).toString());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("xent options " + text(map) + ": " + e.getMessage(), e);
        }
    }

    private static void set(CrossEntropyOptions.Builder b, String key, String value) {
        String v = value.trim();
        try {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "weight":
                    b.weight(v.isEmpty() ? null
                            : Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray());
                    return;
                case "ignore_index":
                    b.ignoreIndex(Long.parseLong(v));
                    return;
                case "label_smoothing":
                    b.labelSmoothing(Double.parseDouble(v));
                    return;
                case "input_kind":
                    b.inputKind(InputKind.parse(v));
                    return;
                case "classes":
                    b.classes(Integer.parseInt(v));
                    return;
                default:
                    throw new IllegalArgumentException("xent option '" + key + "' is unknown; expected one of " + KEYS);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("xent option '" + key + "': '" + value + "' is not "
                    + ("ignore_index".equalsIgnoreCase(key) || "classes".equalsIgnoreCase(key) ? "an integer"
                            : "weight".equalsIgnoreCase(key) ? "a comma-separated list of numbers" : "a number"), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("xent option")) {
                throw e;
            }
            throw new IllegalArgumentException("xent option '" + key + "': " + e.getMessage(), e);
        }
    }

    private static String text(MapData map) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < map.numElements(); i++) {
            s.append(i == 0 ? "" : ", ").append(map.keyArray().getUTF8String(i)).append('=')
                    .append(map.valueArray().isNullAt(i) ? "null" : map.valueArray().getUTF8String(i));
        }
        return s.append('}').toString();
    }
}
