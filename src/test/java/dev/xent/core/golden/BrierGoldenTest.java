package dev.xent.core.golden;

import dev.xent.core.Brier;
import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import dev.xent.core.Reduction;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The Brier figure against torch's direct computation ({@code brier.jsonl}): per row and the weighted mean. */
class BrierGoldenTest {

    @TestFactory
    Stream<DynamicTest> brierMatchesTorch() {
        List<GoldenCase> cases = GoldenCase.load("brier.jsonl");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            CrossEntropyOptions o = c.options(Reduction.MEAN);
            LossState.Targets kind = c.hasProbabilityTargets() ? LossState.Targets.PROBABILITIES
                    : LossState.Targets.CLASS_INDEX;
            CrossEntropy kernel = new CrossEntropy(o, c.classes);
            LossState all = LossState.of(o, kind).withFigure(new Brier());
            double[] rows = GoldenCase.numbers(c.node.get("expected").get("rows"));
            for (int i = 0; i < c.logits.length; i++) {
                LossState one = LossState.of(o, kind).withFigure(new Brier());
                if (c.hasProbabilityTargets()) {
                    kernel.add(all, c.logits[i], c.probabilities[i]);
                    kernel.add(one, c.logits[i], c.probabilities[i]);
                } else {
                    kernel.add(all, c.logits[i], c.targets[i]);
                    kernel.add(one, c.logits[i], c.targets[i]);
                }
                boolean ignored = !c.hasProbabilityTargets() && c.targets[i] == c.ignoreIndex;
                if (!ignored && o.weightOf(c.hasProbabilityTargets() ? 0 : (int) c.targets[i]) != 0) {
                    TorchMatch.check(c.name + " row " + i, rows[i], ((Brier) one.figure("brier")).brier());
                }
            }
            TorchMatch.check(c.name + " mean", GoldenCase.number(c.node.get("expected").get("brier")),
                    ((Brier) all.figure("brier")).brier());
        }));
    }
}
