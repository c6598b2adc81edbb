package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.OptionsReader;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.util.MapData;

/**
 * The options of one call of a catalog function ({@link XentCatalog}): the session's defaults (the
 * {@code spark.xent.*} settings, read when the call is bound), overridden by the call's optional trailing
 * {@code map<string,string>} with the keys {@code weight} (comma-separated numbers), {@code ignore_index} (an
 * integer), {@code label_smoothing} (a number in {@code [0, 1]}), {@code input_kind} ({@code logits},
 * {@code log_probs}, {@code probabilities}; {@code target-log-probs} only for {@code xent.agg} without a target,
 * {@link TargetLogProbAggregate}) and {@code classes} (C: a row of another length is invalid; without it C
 * is the weight's length, else, in {@code xent.loss}, each row's own and, in {@code xent.agg}, the first row's). A
 * null map, or a null value, keeps the default. Read by {@link OptionsReader}, as the session's settings are: an
 * unknown key or a bad value is an {@link IllegalArgumentException} naming it. The last map read is remembered (a literal map is the
 * same object on every row), so a constant map is parsed once per task.
 */
final class CallOptions implements Serializable {
    private static final long serialVersionUID = 1L;

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
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < map.numElements(); i++) {
            settings.put(map.keyArray().getUTF8String(i).toString(),
                    map.valueArray().isNullAt(i) ? null : map.valueArray().getUTF8String(i).toString());
        }
        return OptionsReader.read(defaults, settings);
    }
}
