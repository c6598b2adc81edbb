package dev.xent.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The one reader of the loss options from text, shared by the SQL settings ({@code spark.xent.*}), a catalog
 * call's options map and the MLlib evaluator: the same keys, the same values, the same messages. A key is matched
 * ignoring case, {@code _} and {@code -}, so {@code ignore_index}, {@code ignoreIndex} and {@code ignore-index} are
 * one key. The keys: {@code weight} (comma-separated numbers; empty for none), {@code ignore_index} (an integer),
 * {@code label_smoothing} (a number in {@code [0, 1]}), {@code input_kind} ({@code logits}, {@code log_probs},
 * {@code probabilities}) and {@code classes} (C, a whole number of at least 1). A null value keeps the default.
 * An unknown key or a bad value is an {@link IllegalArgumentException} beginning {@code xent option '<key>'}.
 */
public final class OptionsReader {
    /** The keys, as written in messages. */
    public static final String KEYS = "weight, ignore_index, label_smoothing, input_kind, classes";

    private OptionsReader() {
    }

    /**
     * {@code defaults} with each setting applied, checked together.
     *
     * @throws IllegalArgumentException naming the key, or, when the options do not fit together, all of them
     */
    public static CrossEntropyOptions read(CrossEntropyOptions defaults, Map<String, String> settings) {
        CrossEntropyOptions.Builder b = defaults.toBuilder();
        settings.forEach((key, value) -> {
            if (value != null) {
                set(b, key, value);
            }
        });
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("xent options " + settings + ": " + e.getMessage(), e);
        }
    }

    /** The key as matched: lower case, without {@code _} and {@code -}. */
    static String normal(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /**
     * Applies one setting.
     *
     * @throws IllegalArgumentException for an unknown key or a bad value, naming both
     */
    public static void set(CrossEntropyOptions.Builder b, String key, String value) {
        String v = value.trim();
        String k = normal(key);
        try {
            switch (k) {
                case "weight":
                    b.weight(v.isEmpty() ? null
                            : Arrays.stream(v.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray());
                    return;
                case "ignoreindex":
                    b.ignoreIndex(Long.parseLong(v));
                    return;
                case "labelsmoothing":
                    b.labelSmoothing(Double.parseDouble(v));
                    return;
                case "inputkind":
                    b.inputKind(InputKind.parse(v));
                    return;
                case "classes":
                    int c = Integer.parseInt(v);
                    if (c < 1) {
                        throw new IllegalArgumentException("expected at least 1 but got " + c);
                    }
                    b.classes(c);
                    return;
                default:
                    throw new IllegalArgumentException("xent option '" + key + "' is unknown; expected one of " + KEYS);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("xent option '" + key + "': '" + value + "' is not "
                    + (k.equals("ignoreindex") || k.equals("classes") ? "an integer"
                            : k.equals("weight") ? "a comma-separated list of numbers" : "a number"), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("xent option")) {
                throw e;
            }
            throw new IllegalArgumentException("xent option '" + key + "': " + e.getMessage(), e);
        }
    }
}
