package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one options reader: every spelling of a key is one key; bad keys and values are named. */
class OptionsReaderTest {
    private static final CrossEntropyOptions DEFAULTS = CrossEntropyOptions.builder().build();

    private static CrossEntropyOptions read(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return OptionsReader.read(DEFAULTS, m);
    }

    @Test
    void snakeCamelAndDashedKeysAreOneKey() {
        for (String key : new String[] {"ignore_index", "ignoreIndex", "ignore-index", "IGNORE_INDEX"}) {
            assertEquals(7, read(key, "7").ignoreIndex(), key);
        }
        CrossEntropyOptions o = read("weight", "1, 2,3", "label_smoothing", "0.25", "inputKind", "log_probs",
                "classes", "3");
        assertArrayEquals(new double[] {1, 2, 3}, o.weight());
        assertEquals(0.25, o.labelSmoothing());
        assertEquals(InputKind.LOG_PROBABILITIES, o.inputKind());
        assertEquals(3, o.classes());
    }

    @Test
    void aNullValueOrAnEmptyWeightKeepsTheDefault() {
        Map<String, String> m = new HashMap<>();
        m.put("ignore_index", null);
        assertEquals(DEFAULTS.ignoreIndex(), OptionsReader.read(DEFAULTS, m).ignoreIndex());
        assertEquals(false, read("weight", " ").hasWeight());
    }

    @Test
    void badKeysAndValuesAreNamed() {
        assertEquals("xent option 'ignore' is unknown; expected one of " + OptionsReader.KEYS,
                assertThrows(IllegalArgumentException.class, () -> read("ignore", "1")).getMessage());
        assertEquals("xent option 'ignoreIndex': 'x' is not an integer",
                assertThrows(IllegalArgumentException.class, () -> read("ignoreIndex", "x")).getMessage());
        assertEquals("xent option 'weight': '1,a' is not a comma-separated list of numbers",
                assertThrows(IllegalArgumentException.class, () -> read("weight", "1,a")).getMessage());
        assertEquals("xent option 'classes': expected at least 1 but got 0",
                assertThrows(IllegalArgumentException.class, () -> read("classes", "0")).getMessage());
        assertEquals("xent option 'input_kind': input kind: expected one of logits, logProbs, probabilities, "
                + "targetLogProbs but got 'odds'",
                assertThrows(IllegalArgumentException.class, () -> read("input_kind", "odds")).getMessage());
        String together = assertThrows(IllegalArgumentException.class, () -> read("weight", "1,2",
                "classes", "3")).getMessage();
        assertEquals(true, together.startsWith("xent options {weight=1,2, classes=3}: "), together);
    }
}
