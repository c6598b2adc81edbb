package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.Reduction;
import java.util.List;
import java.util.regex.Pattern;
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
        double[] exactNone = GoldenCase.numbers(c.exact("none"));
        assertEquals(torchNone.length, none.length, c.name + ": rows");
        for (int i = 0; i < none.length; i++) {
            TorchMatch.check(c.name + " none[" + i + "]", torchNone[i], exactNone[i], none[i]);
        }
        for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.MEAN}) {
            CrossEntropyLoss loss = new CrossEntropyLoss(c.options(r));
            double value = c.hasProbabilityTargets()
                    ? loss.reduce(c.logits, c.probabilities)
                    : loss.reduce(c.logits, c.targets);
            TorchMatch.check(c.name + " " + r.torchName(), expected.get(r.torchName()), c.exact(r.torchName()), value);
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
            Pattern message = refusal(c, value);
            assertTrue(message.matcher(e.getMessage()).find(),
                    c.name + ": the message should match " + message + ": " + e.getMessage());
        }
    }

    /**
     * The message xent must give for a refused case, as a whole message or after a row's name ("row 3: "): the rule
     * broken, the value that broke it, and what was allowed.
     */
    static Pattern refusal(GoldenCase c, String value) {
        String v = Pattern.quote(value);
        String rule;
        if (c.name.contains("-target-")) {
            rule = "target " + v + " is out of bounds: expected a class in \\[0, " + c.classes
                    + "\\) or the ignore index " + c.ignoreIndex;
        } else if (c.name.contains("-label-smoothing-")) {
            rule = "label_smoothing must be between 0\\.0 and 1\\.0\\. Got: " + v
                    + (c.name.startsWith("deviation-") ? " \\(PyTorch would silently use 0\\)" : "");
        } else if (c.name.contains("-weight-length")) {
            // C is the weight's length, so the first row is the one refused (not the option, as torch does)
            rule = "logits have " + c.classes + " values; expected C = " + v;
        } else if (c.name.contains("-ignore-index-soft")) {
            rule = "ignore_index is not supported for probability targets: it must be negative, got " + v;
        } else if (c.name.contains("-batch-size")) {
            rule = "Expected input batch_size \\(" + c.logits.length + "\\) to match target batch_size \\(" + v
                    + "\\)\\.";
        } else {
            throw new IllegalStateException(c.name + ": no message rule for this refused case");
        }
        return Pattern.compile("(^|: )" + rule + "$");
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
