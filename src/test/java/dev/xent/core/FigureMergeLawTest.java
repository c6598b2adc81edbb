package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every registered figure is a commutative monoid under {@link Figure#merge}: associative, commutative, its zero is
 * the identity, and the states of any split of the rows, merged in any order, have the same bytes as one pass.
 */
class FigureMergeLawTest {
    private static final int C = 6;
    private static final int ROWS = 60;

    @TestFactory
    Stream<DynamicTest> everyFigureMergesLikeOnePass() {
        return Figures.ids().stream().map(id -> DynamicTest.dynamicTest(id, () -> {
            Random r = new Random(id.hashCode());
            Figure proto = Figures.make(id, 2);
            boolean sequences = proto.appliesTo(LossState.Targets.CLASS_INDEX, true)
                    && !proto.appliesTo(LossState.Targets.CLASS_INDEX, false);
            LossState.Targets targets = proto.appliesTo(LossState.Targets.CLASS_INDEX, sequences)
                    ? LossState.Targets.CLASS_INDEX : LossState.Targets.PROBABILITIES;
            CrossEntropyOptions options = CrossEntropyOptions.builder().weight(1, 2, 0.5, 1, 3, 1).build();
            Figure onePass = proto.zero();
            LossState whole = state(options, targets, onePass);
            List<Figure> parts = List.of(proto.zero(), proto.zero(), proto.zero());
            List<LossState> partStates = new ArrayList<>();
            parts.forEach(f -> partStates.add(state(options, targets, f)));
            CrossEntropy kernel = new CrossEntropy(options, C);
            SequenceLoss sequenceLoss = new SequenceLoss(options, C);
            for (int i = 0; i < ROWS; i++) {
                double[] x = row(r, i);
                int part = r.nextInt(3);
                if (sequences) {
                    double[][] tokens = {x, row(r, i + 1)};
                    long[] y = {r.nextInt(C), i % 7 == 0 ? -100 : r.nextInt(C)};
                    sequenceLoss.add(whole, tokens, y, 10 + i, 2 + i);
                    sequenceLoss.add(partStates.get(part), tokens, y, 10 + i, 2 + i);
                } else if (targets == LossState.Targets.PROBABILITIES) {
                    double[] p = probabilities(r);
                    kernel.add(whole, x, p);
                    kernel.add(partStates.get(part), x, p);
                } else {
                    long y = i % 9 == 0 ? -100 : r.nextInt(C);
                    kernel.add(whole, x, y);
                    kernel.add(partStates.get(part), x, y);
                }
            }
            Figure a = parts.get(0);
            Figure b = parts.get(1);
            Figure c = parts.get(2);
            byte[] expected = bytes(onePass);
            // (a + b) + c and a + (b + c)
            Figure left = copy(a);
            left.merge(b);
            left.merge(c);
            Figure bc = copy(b);
            bc.merge(c);
            Figure right = copy(a);
            right.merge(bc);
            assertArrayEquals(expected, bytes(left), id + ": (a + b) + c");
            assertArrayEquals(expected, bytes(right), id + ": a + (b + c)");
            // b + a equals a + b
            Figure ab = copy(a);
            ab.merge(b);
            Figure ba = copy(b);
            ba.merge(a);
            assertArrayEquals(bytes(ab), bytes(ba), id + ": a + b = b + a");
            // zero is the identity on both sides
            Figure zeroA = proto.zero();
            zeroA.merge(a);
            Figure aZero = copy(a);
            aZero.merge(proto.zero());
            assertArrayEquals(bytes(a), bytes(zeroA), id + ": 0 + a");
            assertArrayEquals(bytes(a), bytes(aZero), id + ": a + 0");
            // any order of the three parts
            List<Figure> order = new ArrayList<>(List.of(a, b, c));
            for (int k = 0; k < 5; k++) {
                Collections.shuffle(order, r);
                Figure merged = proto.zero();
                order.forEach(merged::merge);
                assertArrayEquals(expected, bytes(merged), id + ": shuffled merge " + k);
            }
            // the byte form reads back to the same bytes
            assertArrayEquals(expected, bytes(LossState.fromBytes(whole.toBytes()).figure(id)), id + ": round trip");
        }));
    }

    private static LossState state(CrossEntropyOptions options, LossState.Targets targets, Figure f) {
        return LossState.of(options, targets).withFigure(f);
    }

    private static double[] row(Random r, int i) {
        double[] x = new double[C];
        for (int c = 0; c < C; c++) {
            x[c] = r.nextGaussian() * 3;
        }
        if (i % 17 == 5) {
            x[1] = Double.NaN;
        }
        if (i % 19 == 3) {
            x[2] = Double.NEGATIVE_INFINITY;
        }
        return x;
    }

    private static double[] probabilities(Random r) {
        double[] p = new double[C];
        double sum = 0;
        for (int c = 0; c < C; c++) {
            p[c] = r.nextDouble();
            sum += p[c];
        }
        for (int c = 0; c < C; c++) {
            p[c] /= sum;
        }
        return p;
    }

    private static Figure copy(Figure f) {
        Figure out = f.zero();
        out.merge(f);
        return out;
    }

    private static byte[] bytes(Figure f) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        f.writeTo(out);
        out.flush();
        return b.toByteArray();
    }
}
