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
 * An unknown key or a bad value is a {@link BadOption} (an {@link IllegalArgumentException}) beginning
 * {@code xent option '<key>'}; it also gives the key as the caller wrote it and the bare problem, so the CLI, whose
 * keys are its option names ({@code --label-smoothing}), can say {@code --label-smoothing: <problem>}.
 */
public final class OptionsReader {
    /** The keys, as written in messages. */
    public static final String KEYS = "weight, ignore_index, label_smoothing, input_kind, classes";

    private OptionsReader() {
    }

    /** A bad setting: the key as the caller wrote it (null when no one key is at fault) and what is wrong. */
    public static final class BadOption extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String key;
        private final String problem;

        BadOption(String message, String key, String problem, Throwable cause) {
            super(message, cause);
            this.key = key;
            this.problem = problem;
        }

        /** The key at fault, as the caller wrote it; null when the options do not fit together as a whole. */
        public String key() {
            return key;
        }

        /** What is wrong with it, without the key. */
        public String problem() {
            return problem;
        }
    }

    /**
     * {@code defaults} with each setting applied, checked together.
     *
     * @throws BadOption naming the key, or, when the options do not fit together, all of them (its
     *                   {@link BadOption#key()} is then the one at fault: label smoothing, else the weight, else C)
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
            throw new BadOption("xent options " + settings + ": " + e.getMessage(), keyAtFault(settings, e.getMessage()),
                    e.getMessage(), e);
        }
    }

    /** The key among {@code settings} that a message of {@link CrossEntropyOptions}' check is about, or null. */
    private static String keyAtFault(Map<String, String> settings, String message) {
        String wanted = message != null && message.startsWith("label_smoothing") ? "labelsmoothing"
                : message != null && message.startsWith("classes") ? "classes" : "weight";
        String classes = null;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (e.getValue() != null && normal(e.getKey()).equals(wanted)) {
                return e.getKey();
            }
            if (e.getValue() != null && normal(e.getKey()).equals("classes")) {
                classes = e.getKey();
            }
        }
        return classes;
    }

    private static BadOption bad(String key, String problem, Throwable cause) {
        return new BadOption("xent option '" + key + "': " + problem, key, problem, cause);
    }

    /** The key as matched: lower case, without {@code _} and {@code -}. */
    static String normal(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /**
     * Applies one setting.
     *
     * @throws BadOption for an unknown key or a bad value, naming both
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
                    throw new BadOption("xent option '" + key + "' is unknown; expected one of " + KEYS, key,
                            "unknown; expected one of " + KEYS, null);
            }
        } catch (NumberFormatException e) {
            throw bad(key, "'" + value + "' is not " + (k.equals("ignoreindex") || k.equals("classes") ? "an integer"
                    : k.equals("weight") ? "a comma-separated list of numbers" : "a number"), e);
        } catch (BadOption e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw bad(key, e.getMessage(), e);
        }
    }
}
