package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.core.SequenceLoss;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Language-model rows against torch's K-dimensional cross-entropy and its per-sequence means. */
public class SequenceGoldenTest {

    /** A sequence case's logits: N rows of T tokens of C, rebuilt from the generator spec. */
    public static double[][][] tokens(GoldenCase c) {
        int t = c.node.get("tokens").asInt();
        double[][] flat = c.logits;
        double[][][] x = new double[flat.length / t][t][];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < t; j++) {
                x[i][j] = flat[i * t + j];
            }
        }
        return x;
    }

    public static long[][] targets(GoldenCase c) {
        JsonNode y = c.node.get("target");
        long[][] out = new long[y.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[y.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = y.get(i).get(j).asLong();
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> sequencesGiveTorchsKDimensionalNumbers() {
        List<GoldenCase> cases = GoldenCase.load("sequences.jsonl");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            CrossEntropyOptions o = c.options(dev.xent.core.Reduction.MEAN);
            double[][][] x = tokens(c);
            long[][] y = targets(c);
            SequenceLoss loss = new SequenceLoss(o, c.classes);
            LossState total = LossState.of(o, LossState.Targets.CLASS_INDEX);
            JsonNode expected = c.node.get("expected");
            double[] seqMeans = GoldenCase.numbers(expected.get("sequence_means"));
            double[] exactSeqMeans = GoldenCase.numbers(c.exact("sequence_means"));
            assertEquals(seqMeans.length, x.length, c.name + ": sequences");
            for (int i = 0; i < x.length; i++) {
                double[] none = loss.none(x[i], y[i]);
                double[] torchNone = GoldenCase.numbers(expected.get("none").get(i));
                double[] exactNone = GoldenCase.numbers(c.exact("none").get(i));
                assertEquals(torchNone.length, none.length, c.name + ": tokens of sequence " + i);
                for (int t = 0; t < none.length; t++) {
                    TorchMatch.check(c.name + " none[" + i + "][" + t + "]", torchNone[t], exactNone[t], none[t]);
                }
                LossState sequence = loss.state(x[i], y[i]);
                TorchMatch.check(c.name + " sequence mean " + i, seqMeans[i], exactSeqMeans[i], sequence.mean());
                loss.add(total, x[i], y[i], 0, 0);
            }
            TorchMatch.check(c.name + " mean", expected.get("mean"), c.exact("mean"), total.mean());
            TorchMatch.check(c.name + " sum", expected.get("sum"), c.exact("sum"), total.sum());
            TorchMatch.check(c.name + " sequence mean loss", expected.get("sequence_mean_loss"),
                    c.exact("sequence_mean_loss"), total.sequenceStats().sequenceMeanLoss());
            TorchMatch.check(c.name + " sequence mean perplexity", expected.get("sequence_mean_perplexity"),
                    c.exact("sequence_mean_perplexity"), total.sequenceStats().sequenceMeanPerplexity());
            assertEquals(x.length, total.sequenceStats().rows());
            assertEquals(x.length, total.rows());
        }));
    }
}
