package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Kernel behaviour that has no torch counterpart: row checks, the float path, and log-probability input. */
class CrossEntropyTest {
    private static final CrossEntropyOptions DEFAULTS = CrossEntropyOptions.defaults();

    @Test
    void nullAndRaggedRowsAreRefusedWithTheirLength() {
        CrossEntropy k = new CrossEntropy(DEFAULTS, 3);
        InvalidRowException nullRow = assertThrows(InvalidRowException.class, () -> k.loss((double[]) null, 0));
        assertEquals(InvalidRowException.Reason.NULL_LOGITS, nullRow.reason());
        InvalidRowException ragged = assertThrows(InvalidRowException.class, () -> k.loss(new float[4], 0));
        assertEquals(InvalidRowException.Reason.RAGGED_LOGITS, ragged.reason());
        assertTrue(ragged.getMessage().contains("4") && ragged.getMessage().contains("C = 3"), ragged.getMessage());
        // A ragged row is refused even when its target is ignored: it has no tensor form.
        assertThrows(InvalidRowException.class, () -> k.loss(new double[2], -100));
        InvalidRowException probs = assertThrows(InvalidRowException.class,
                () -> k.loss(new double[3], new double[2]));
        assertEquals(InvalidRowException.Reason.RAGGED_PROBABILITIES, probs.reason());
        // A null probability array is a null target, as a null class index (RowRule.nullTarget).
        assertEquals(InvalidRowException.Reason.NULL_TARGET,
                assertThrows(InvalidRowException.class, () -> k.loss(new double[3], (double[]) null)).reason());
    }

    @Test
    void batchErrorsNameTheRow() {
        CrossEntropyLoss loss = new CrossEntropyLoss(DEFAULTS);
        double[][] rows = {{1, 2, 3}, {1, 2}, {0, 0, 0}};
        InvalidRowException e = assertThrows(InvalidRowException.class,
                () -> loss.none(rows, new long[] {0, 1, 2}));
        assertTrue(e.getMessage().startsWith("row 1: logits have 2 values; expected C = 3"), e.getMessage());
        InvalidRowException target = assertThrows(InvalidRowException.class,
                () -> loss.state(new double[][] {{1, 2, 3}, {1, 2, 3}}, new long[] {0, 3}));
        assertEquals("row 1: target 3 is out of bounds: expected a class in [0, 3) or the ignore index -100",
                target.getMessage());
        assertEquals(InvalidRowException.Reason.TARGET_OUT_OF_RANGE, target.reason());
    }

    @Test
    void kernelChecksTheClassCountAgainstTheOptions() {
        CrossEntropyOptions weighted = CrossEntropyOptions.builder().weight(1, 2, 3).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropy(weighted, 4));
        assertTrue(e.getMessage().contains("all 4 classes") && e.getMessage().contains("length 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropy(CrossEntropyOptions.builder().classes(5).build(), 4));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropy(DEFAULTS, 0));
    }

    @Test
    void floatRowsGiveTheBitsOfTheirWidenedDoubles() {
        Random r = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int c = 1 + r.nextInt(300);
            CrossEntropyOptions.Builder b = CrossEntropyOptions.builder()
                    .labelSmoothing(r.nextBoolean() ? 0.0 : r.nextDouble())
                    .inputKind(InputKind.values()[r.nextInt(3)]);
            if (r.nextBoolean()) {
                double[] w = new double[c];
                for (int i = 0; i < c; i++) {
                    w[i] = r.nextDouble();
                }
                b.weight(w);
            }
            CrossEntropy kernel = new CrossEntropy(b.build(), c);
            float[] f = new float[c];
            double[] d = new double[c];
            double[] p = new double[c];
            for (int i = 0; i < c; i++) {
                f[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(6) - 2));
                if (b.build().inputKind() == InputKind.PROBABILITIES) {
                    f[i] = Math.abs(f[i]);
                }
                d[i] = f[i];
                p[i] = r.nextDouble();
            }
            long y = r.nextInt(c);
            assertEquals(Double.doubleToRawLongBits(kernel.loss(d, y)), Double.doubleToRawLongBits(kernel.loss(f, y)));
            assertEquals(Double.doubleToRawLongBits(kernel.loss(d, p)), Double.doubleToRawLongBits(kernel.loss(f, p)));
        }
    }

    @Test
    void logProbabilityInputWithSmoothingMatchesTheLogits() {
        Random r = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            int c = 2 + r.nextInt(500);
            double[] x = new double[c];
            double[] p = new double[c];
            for (int i = 0; i < c; i++) {
                x[i] = r.nextGaussian() * 3;
                p[i] = r.nextDouble();
            }
            double eps = r.nextDouble();
            CrossEntropyOptions logits = CrossEntropyOptions.builder().labelSmoothing(eps).build();
            CrossEntropyOptions logProbs = logits.toBuilder().inputKind(InputKind.LOG_PROBABILITIES).build();
            double[] lsm = LogSoftmax.of(x);
            long y = r.nextInt(c);
            assertEquals(new CrossEntropy(logits, c).loss(x, y), new CrossEntropy(logProbs, c).loss(lsm, y), 1e-12);
            assertEquals(new CrossEntropy(logits, c).loss(x, p), new CrossEntropy(logProbs, c).loss(lsm, p), 1e-11);
        }
    }

    @Test
    void ignoredRowsAreNotRangeChecked() {
        CrossEntropyOptions o = CrossEntropyOptions.builder().ignoreIndex(99).build();
        CrossEntropy k = new CrossEntropy(o, 3);
        assertEquals(Double.doubleToRawLongBits(0.0),
                Double.doubleToRawLongBits(k.loss(new double[] {Double.NaN, 1, 2}, 99)));
        LossState s = LossState.of(o, LossState.Targets.CLASS_INDEX);
        k.add(s, new float[] {1, 2, 3}, 99);
        assertEquals(1, s.ignored());
        assertEquals(0, s.scored());
    }

    @Test
    void probabilityTargetsRefuseANonNegativeIgnoreIndex() {
        CrossEntropyOptions o = CrossEntropyOptions.builder().ignoreIndex(0).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropy(o, 2).loss(new double[] {1, 2}, new double[] {0.5, 0.5}));
        assertTrue(e.getMessage().contains("ignore_index"), e.getMessage());
    }
}
