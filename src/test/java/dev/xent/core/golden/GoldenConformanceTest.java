package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.Reduction;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every golden case written by {@code generate_golden.py} from real PyTorch, checked against the core. */
class GoldenConformanceTest {
    static final int MINIMUM_RANDOM_CASES = 1000;

    @Test
    void theSuiteHasTheCasesItPromises() {
        List<GoldenCase> random = GoldenCase.load("random.jsonl");
        assertTrue(random.size() >= MINIMUM_RANDOM_CASES, "random cases: " + random.size());
        assertTrue(random.stream().anyMatch(c -> c.classes == 1), "C = 1");
        assertTrue(random.stream().anyMatch(c -> c.classes == 32000), "C = 32000");
        assertTrue(random.stream().anyMatch(GoldenCase::hasProbabilityTargets), "probability targets");
        assertTrue(random.stream().anyMatch(c -> c.weight != null && hasNegative(c.weight)), "signed weights");
        assertTrue(random.stream().anyMatch(c -> c.labelSmoothing > 0 && c.weight != null), "smoothing + weight");
        assertTrue(GoldenCase.load("named.jsonl").size() >= 70);
        assertTrue(GoldenCase.load("errors.jsonl").size() >= 15);
    }

    @TestFactory
    Stream<DynamicTest> randomCases() {
        return GoldenCase.load("random.jsonl").stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> namedCases() {
        return GoldenCase.load("named.jsonl").stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> largeVocabularyCases() {
        return GoldenCase.load("large_vocab.jsonl").stream()
                .map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> errorCases() {
        return GoldenCase.load("errors.jsonl").stream()
                .map(c -> DynamicTest.dynamicTest(c.name, () -> checkRefused(c)));
    }

    @AfterAll
    static void report() {
        System.out.println("[golden] " + TorchMatch.report());
    }

    private static void check(GoldenCase c) {
        JsonNode expected = c.node.get("expected");
        assertNotNull(expected, c.name + " has no expected values (torch raised: " + c.node.get("error") + ")");
        double[] none = c.hasProbabilityTargets()
                ? new CrossEntropyLoss(c.options(Reduction.NONE)).none(c.logits, c.probabilities)
                : new CrossEntropyLoss(c.options(Reduction.NONE)).none(c.logits, c.targets);
        double[] torchNone = GoldenCase.numbers(expected.get("none"));
        assertEquals(torchNone.length, none.length, c.name + ": rows");
        for (int i = 0; i < none.length; i++) {
            TorchMatch.check(c.name + " none[" + i + "]", torchNone[i], none[i]);
        }
        for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.MEAN}) {
            CrossEntropyLoss loss = new CrossEntropyLoss(c.options(r));
            double value = c.hasProbabilityTargets()
                    ? loss.reduce(c.logits, c.probabilities)
                    : loss.reduce(c.logits, c.targets);
            TorchMatch.check(c.name + " " + r.torchName(), GoldenCase.number(expected.get(r.torchName())), value);
        }
    }

    private static void checkRefused(GoldenCase c) {
        assertTrue(c.node.has("error") || c.node.has("torch_result"), c.name + ": neither error nor deviation");
        String value = c.node.get("value").asText();
        for (Reduction r : Reduction.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                CrossEntropyLoss loss = new CrossEntropyLoss(c.options(r));
                if (c.hasProbabilityTargets()) {
                    loss.state(c.logits, c.probabilities);
                    loss.none(c.logits, c.probabilities);
                } else {
                    loss.state(c.logits, c.targets);
                    loss.none(c.logits, c.targets);
                }
            }, c.name);
            assertTrue(e.getMessage().contains(value),
                    c.name + ": the message should name the value " + value + ": " + e.getMessage());
        }
    }

    private static boolean hasNegative(double[] w) {
        for (double v : w) {
            if (v < 0) {
                return true;
            }
        }
        return false;
    }
}
