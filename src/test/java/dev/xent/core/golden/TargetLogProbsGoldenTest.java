package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import dev.xent.core.SequenceLoss;
import dev.xent.core.SequenceStats;
import dev.xent.core.TargetLogProbs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input kind target-log-probs in the core: every figure against torch's direct computation from the same
 * log-probabilities ({@code target_log_probs/generate.py}), the same figures from the full logits through the
 * sequence path, and the row rule's refusals.
 */
class TargetLogProbsGoldenTest {

    static LossState evaluate(JsonNode c) {
        TargetLogProbs rule = new TargetLogProbs(TargetLogProbCases.options(c, InputKind.TARGET_LOG_PROBABILITIES),
                true);
        LossState total = rule.emptyState();
        for (JsonNode s : c.get("sequences")) {
            rule.add(total, TargetLogProbCases.logp(s), TargetLogProbCases.mask(c, s),
                    TargetLogProbCases.tokenWeights(s), TargetLogProbCases.targets(s), s.get("bytes").asLong(),
                    s.get("words").asLong());
        }
        return total;
    }

    @Test
    void everyFigureIsTorchsFromTheSameLogProbabilities() {
        List<JsonNode> cases = TargetLogProbCases.load();
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            LossState total = evaluate(c);
            JsonNode e = c.get("expected");
            JsonNode x = c.get("exact");
            // exact sums: the correctly rounded values, bit for bit
            assertEquals(GoldenCase.number(x.get("sum")), total.sum(), 0.0, name + " sum");
            assertEquals(GoldenCase.number(x.get("mean")), total.mean(), 0.0, name + " mean");
            assertEquals(GoldenCase.number(x.get("weight_sum")), total.weightSum(), 0.0, name + " weight sum");
            TorchMatch.check(name + " mean", e.get("mean"), x.get("mean"), total.mean());
            TorchMatch.check(name + " sum", e.get("sum"), x.get("sum"), total.sum());
            assertEquals(e.get("scored_tokens").asLong(), total.scored(), name + " scored");
            assertEquals(e.get("ignored_tokens").asLong(), total.ignored(), name + " ignored");
            Map<String, Object> lm = total.sequenceStats().values(total);
            assertEquals(e.get("sequences").asLong(), lm.get("sequences"), name + " sequences");
            assertEquals(e.get("scored_sequences").asLong(), lm.get("scored_sequences"), name + " scored sequences");
            assertEquals(e.get("tokens").asLong(), lm.get("tokens"), name + " tokens");
            for (String f : List.of("perplexity", "bits_per_token", "bits_per_byte", "bits_per_word",
                    "sequence_mean_loss", "sequence_mean_perplexity")) {
                TorchMatch.check(name + " " + f, GoldenCase.number(x.get(f)), (double) lm.get(f));
            }
            assertEquals(x.get("bytes").asLong(), lm.get("bytes"), name + " bytes");
            TorchMatch.check(name + " standard error", GoldenCase.number(x.get("standard_error")),
                    total.standardError());
            TargetLogProbs rule = new TargetLogProbs(TargetLogProbCases.options(c,
                    InputKind.TARGET_LOG_PROBABILITIES), true);
            JsonNode none = e.get("none");
            for (int i = 0; i < none.size(); i++) {
                JsonNode s = c.get("sequences").get(i);
                double[] losses = rule.none(TargetLogProbCases.logp(s), TargetLogProbCases.mask(c, s),
                        TargetLogProbCases.tokenWeights(s), TargetLogProbCases.targets(s));
                assertEquals(none.get(i).size(), losses.length, name + " tokens of sequence " + i);
                for (int t = 0; t < losses.length; t++) {
                    assertEquals(GoldenCase.number(none.get(i).get(t)), losses[t], 0.0, name + " none " + i + "/" + t);
                }
            }
        }
    }

    /** The full logits through the sequence path (log-softmax in xent) agree within 1e-12 with the log-prob path. */
    @Test
    void fullLogitsGiveTheSameFiguresWithin1e12() {
        int compared = 0;
        for (JsonNode c : TargetLogProbCases.load()) {
            if (c.get("has_token_weight").asBoolean()) {
                continue; // the full-logit path has class weights only
            }
            CrossEntropyOptions options = TargetLogProbCases.options(c, InputKind.LOGITS);
            SequenceLoss full = new SequenceLoss(options, c.get("classes").asInt());
            LossState fromLogits = LossState.of(options, LossState.Targets.CLASS_INDEX).withFigure(new SequenceStats());
            for (JsonNode s : c.get("sequences")) {
                full.add(fromLogits, TargetLogProbCases.logits(s), TargetLogProbCases.fullLogitTargets(c, s),
                        s.get("bytes").asLong(), s.get("words").asLong());
            }
            LossState fromLogProbs = evaluate(c);
            String name = c.get("name").asText();
            close(name + " mean", fromLogits.mean(), fromLogProbs.mean());
            close(name + " sum", fromLogits.sum(), fromLogProbs.sum());
            close(name + " standard error", fromLogits.standardError(), fromLogProbs.standardError());
            assertEquals(fromLogits.scored(), fromLogProbs.scored(), name + " scored");
            assertEquals(fromLogits.ignored(), fromLogProbs.ignored(), name + " ignored");
            Map<String, Object> a = fromLogits.sequenceStats().values(fromLogits);
            Map<String, Object> b = fromLogProbs.sequenceStats().values(fromLogProbs);
            assertEquals(a.keySet(), b.keySet(), name + " language-model figures");
            for (String k : a.keySet()) {
                if (a.get(k) instanceof Double) {
                    close(name + " " + k, (Double) a.get(k), (Double) b.get(k));
                } else {
                    assertEquals(a.get(k), b.get(k), name + " " + k);
                }
            }
            compared++;
        }
        assertEquals(8, compared, "cases without token weights");
    }

    private static void close(String where, double expected, double actual) {
        assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.abs(expected), where + ": full logits give "
                + expected + ", target log-probs " + actual);
    }

    @Test
    void theRowRuleRefusesWhatItMust() {
        TargetLogProbs rule = new TargetLogProbs(CrossEntropyOptions.builder()
                .inputKind(InputKind.TARGET_LOG_PROBABILITIES).build(), false);
        assertReason(InvalidRowException.Reason.INVALID_LOG_PROBABILITY, "token 1: log-probability is NaN or null",
                () -> rule.check(new double[] {-1, Double.NaN}, null, null, null));
        assertReason(InvalidRowException.Reason.INVALID_LOG_PROBABILITY, "token 0: log-probability 0.25 is positive",
                () -> rule.check(new double[] {0.25}, null, null, null));
        assertReason(InvalidRowException.Reason.RAGGED_TOKENS, "the mask have 1 elements but there are 2",
                () -> rule.check(new double[] {-1, -2}, new boolean[] {true}, null, null));
        assertReason(InvalidRowException.Reason.RAGGED_TOKENS, "the token weights have 3 elements",
                () -> rule.check(new double[] {-1, -2}, null, new double[] {1, 1, 1}, null));
        assertReason(InvalidRowException.Reason.INVALID_WEIGHT, "token 0: weight NaN",
                () -> rule.check(new double[] {-1}, null, new double[] {Double.NaN}, null));
        assertReason(InvalidRowException.Reason.NULL_LOGITS, "log-probabilities are null",
                () -> rule.check(null, null, null, null));
        // a token left out by the mask is not looked at, NaN or positive
        LossState s = rule.emptyState();
        rule.add(s, new double[] {Double.NaN, -2.0, 3.0}, new boolean[] {false, true, false}, null, null, 0, 0);
        assertEquals(2.0, s.mean(), 0.0);
        assertEquals(2, s.ignored());
        // -inf is a probability of 0: scored, +inf, a non-finite input; nothing of an invalid row is added
        rule.add(s, new double[] {Double.NEGATIVE_INFINITY}, null, null, null, 0, 0);
        assertEquals(Double.POSITIVE_INFINITY, s.mean());
        assertEquals(1, s.nonFiniteInputs());
        assertThrows(InvalidRowException.class, () -> rule.add(s, new double[] {-1, 1}, null, null, null, 0, 0));
        assertEquals(2, s.scored());
        assertEquals(2, s.sequenceStats().rows());
    }

    @Test
    void optionsThatNeedTheDistributionAreRefused() {
        CrossEntropyOptions.Builder kind = CrossEntropyOptions.builder().inputKind(InputKind.TARGET_LOG_PROBABILITIES);
        IllegalArgumentException smoothing = assertThrows(IllegalArgumentException.class,
                () -> new TargetLogProbs(kind.labelSmoothing(0.1).build(), true));
        assertTrue(smoothing.getMessage().startsWith("label_smoothing: needs the whole distribution"),
                smoothing.getMessage());
        IllegalArgumentException weights = assertThrows(IllegalArgumentException.class, () -> new TargetLogProbs(
                CrossEntropyOptions.builder().inputKind(InputKind.TARGET_LOG_PROBABILITIES).weight(new double[] {1, 2})
                        .build(), false));
        assertTrue(weights.getMessage().startsWith("weight: class weights need each token's target class"),
                weights.getMessage());
        IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class, () -> new CrossEntropy(
                CrossEntropyOptions.builder().inputKind(InputKind.TARGET_LOG_PROBABILITIES).build(), 3));
        assertEquals(TargetLogProbs.NO_DISTRIBUTION, kernel.getMessage());
        assertEquals(InputKind.TARGET_LOG_PROBABILITIES, InputKind.parse("target-log-probs"));
        assertEquals(InputKind.TARGET_LOG_PROBABILITIES, InputKind.parse("targetLogProbs"));
    }

    private static void assertReason(InvalidRowException.Reason reason, String detail, Runnable check) {
        InvalidRowException e = assertThrows(InvalidRowException.class, check::run);
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.detail().startsWith(detail), e.detail());
    }
}
