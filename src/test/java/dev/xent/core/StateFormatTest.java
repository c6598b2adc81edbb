package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The state byte form lasts: golden states written by earlier versions read, unknown sections are skipped. */
class StateFormatTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StateFormatTest.class.getResourceAsStream("/states/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource states/" + name);
            }
            return in.readAllBytes();
        }
    }

    @TestFactory
    Stream<DynamicTest> goldenStatesReadToWhatTheyReported() {
        return Stream.of("class_index_all_figures", "probabilities", "sequences", "unknown_section")
                .map(name -> DynamicTest.dynamicTest(name, () -> {
                    LossState s = LossState.fromBytes(resource(name + ".state"));
                    String expected = new String(resource(name + ".txt"), StandardCharsets.UTF_8);
                    assertEquals(expected, GoldenStates.describe(s));
                }));
    }

    /** The byte form has not changed: a golden state (all known sections) is written back byte for byte. */
    @TestFactory
    Stream<DynamicTest> goldenStatesAreWrittenBackByteForByte() {
        return Stream.of("class_index_all_figures", "probabilities", "sequences")
                .map(name -> DynamicTest.dynamicTest(name, () -> {
                    byte[] golden = resource(name + ".state");
                    assertArrayEquals(golden, LossState.fromBytes(golden).toBytes());
                }));
    }

    @Test
    void aStateWithAnUnknownSectionIsReadWithoutIt() throws IOException {
        LossState s = LossState.fromBytes(resource("unknown_section.state"));
        assertNull(s.figure("from_a_later_xent"));
        LossState known = LossState.fromBytes(resource("class_index_all_figures.state"));
        assertArrayEquals(known.toBytes(), s.toBytes());
        s.merge(known); // the same figures once the unknown one is skipped
        assertEquals(2 * known.scored(), s.scored());
    }

    @Test
    void mergingAcrossOtherOptionsOtherCOrOtherFiguresIsRefusedNamingTheDifference() throws IOException {
        LossState golden = LossState.fromBytes(resource("class_index_all_figures.state"));
        LossState otherOptions = LossState.of(CrossEntropyOptions.builder().weight(1, 2, 0.5, 1, 3)
                .labelSmoothing(0.2).ignoreIndex(4).build(), LossState.Targets.CLASS_INDEX);
        String message = assertThrows(IllegalArgumentException.class,
                () -> golden.zero().merge(otherOptions)).getMessage();
        assertTrue(message.contains("label_smoothing 0.1") && message.contains("label_smoothing 0.2"), message);

        CrossEntropyOptions o = CrossEntropyOptions.defaults();
        LossState five = LossState.of(o, LossState.Targets.CLASS_INDEX);
        new CrossEntropy(o, 5).add(five, new double[5], 1);
        LossState six = LossState.of(o, LossState.Targets.CLASS_INDEX);
        new CrossEntropy(o, 6).add(six, new double[6], 1);
        message = assertThrows(IllegalArgumentException.class, () -> five.merge(six)).getMessage();
        assertTrue(message.contains("C = 5") && message.contains("C = 6"), message);

        LossState withHistogram = LossState.of(o, LossState.Targets.CLASS_INDEX).withFigure(new LossHistogram());
        message = assertThrows(IllegalArgumentException.class,
                () -> LossState.of(o, LossState.Targets.CLASS_INDEX).merge(withHistogram)).getMessage();
        assertTrue(message.contains("histogram"), message);
    }

    @Test
    void bytesThatAreNotAStateOrFromALaterVersionAreRefused() throws IOException {
        byte[] bytes = resource("probabilities.state");
        byte[] later = bytes.clone();
        later[5] = 99; // the version's low byte
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LossState.fromBytes(later)).getMessage()
                .contains("version 99"));
        byte[] notAState = bytes.clone();
        notAState[0] = 'Y';
        assertThrows(IllegalArgumentException.class, () -> LossState.fromBytes(notAState));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(IllegalArgumentException.class, () -> LossState.fromBytes(cut));
    }
}
