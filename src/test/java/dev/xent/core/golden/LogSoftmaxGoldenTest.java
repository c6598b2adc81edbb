package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.LogSoftmax;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@code torch.log_softmax} and {@code torch.logsumexp} (float64) against {@link LogSoftmax}, double and float. */
class LogSoftmaxGoldenTest {

    @TestFactory
    Stream<DynamicTest> logSoftmaxAndLogSumExp() {
        return GoldenCase.load("log_softmax.jsonl").stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            JsonNode expected = c.node.get("expected");
            double[] row = c.logits[0];
            double[] torchLsm = GoldenCase.numbers(expected.get("log_softmax"));
            double[] exactLsm = GoldenCase.numbers(c.exact("log_softmax"));
            double[] lsm = LogSoftmax.of(row);
            assertEquals(torchLsm.length, lsm.length);
            for (int i = 0; i < lsm.length; i++) {
                TorchMatch.check(c.name + " log_softmax[" + i + "]", torchLsm[i], exactLsm[i], lsm[i]);
            }
            TorchMatch.check(c.name + " logsumexp", expected.get("logsumexp"), c.exact("logsumexp"),
                    LogSoftmax.logSumExp(row));
        }));
    }
}
