package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CrossEntropyOptionsTest {

    @Test
    void defaultsAreTorchs() {
        CrossEntropyOptions o = CrossEntropyOptions.defaults();
        assertNull(o.weight());
        assertEquals(-100L, o.ignoreIndex());
        assertEquals(0.0, o.labelSmoothing(), 0.0);
        assertEquals(Reduction.MEAN, o.reduction());
        assertEquals(InputKind.LOGITS, o.inputKind());
        assertEquals(0, o.knownClasses());
    }

    @Test
    void negativeOrNanSmoothingIsRefusedUnlikeTorch() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyOptions.builder().labelSmoothing(-0.1).build());
        assertTrue(negative.getMessage().contains("-0.1") && negative.getMessage().contains("silently"),
                negative.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyOptions.builder().labelSmoothing(Double.NaN).build());
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertEquals(1.0, CrossEntropyOptions.builder().labelSmoothing(1.0).build().labelSmoothing(), 0.0);
    }

    @Test
    void weightIsCopiedAndCheckedAgainstClasses() {
        double[] w = {1, 2, 3};
        CrossEntropyOptions o = CrossEntropyOptions.builder().weight(w).build();
        w[0] = 99;
        assertArrayEquals(new double[] {1, 2, 3}, o.weight(), 0.0);
        o.weight()[1] = 99;
        assertEquals(2.0, o.weightOf(1), 0.0);
        assertEquals(3, o.knownClasses());
        assertThrows(IllegalArgumentException.class, () -> o.toBuilder().classes(4).build());
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyOptions.builder().weight().build());
        assertEquals(o, o.toBuilder().build());
        assertEquals(o.hashCode(), o.toBuilder().build().hashCode());
    }

    @Test
    void parsersNameTheAllowedValues() {
        assertEquals(Reduction.SUM, Reduction.parse("Sum"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reduction.parse("avg"));
        assertTrue(e.getMessage().contains("none, sum, mean") && e.getMessage().contains("avg"));
        assertEquals(InputKind.LOG_PROBABILITIES, InputKind.parse("log-probs"));
        assertEquals(InputKind.LOG_PROBABILITIES, InputKind.parse("logProbs"));
        assertEquals(InputKind.PROBABILITIES, InputKind.parse("probabilities"));
        assertThrows(IllegalArgumentException.class, () -> InputKind.parse("scores"));
    }
}
