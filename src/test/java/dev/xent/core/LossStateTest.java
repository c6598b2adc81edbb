package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The merge law of {@link LossState}: any partition, merged in any order, gives the bits of one pass. */
class LossStateTest {
    private static final int C = 7;

    private static CrossEntropyOptions options(Random r) {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder();
        if (r.nextBoolean()) {
            double[] w = new double[C];
            for (int c = 0; c < C; c++) {
                w[c] = r.nextDouble() * 2.5 - 0.5; // signed weights: cancellation in both sums
            }
            b.weight(w);
        }
        if (r.nextBoolean()) {
            b.labelSmoothing(r.nextDouble());
        }
        return b.ignoreIndex(r.nextBoolean() ? -100 : r.nextInt(C)).build();
    }

    private static double[] row(Random r) {
        double[] x = new double[C];
        double scale = Math.pow(10, r.nextInt(8) - 3);
        for (int c = 0; c < C; c++) {
            x[c] = r.nextGaussian() * scale;
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void anyPartitionMergedInAnyOrderGivesTheBitsOfOnePass(int seed) {
        Random r = new Random(seed);
        CrossEntropyOptions o = options(r);
        boolean soft = o.ignoreIndex() < 0 && r.nextInt(3) == 0;
        int n = 300;
        List<double[]> rows = new ArrayList<>();
        List<double[]> probs = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(row(r));
            probs.add(row(r));
            targets.add(r.nextInt(10) == 0 ? o.ignoreIndex() : (long) r.nextInt(C));
        }
        LossState.Targets kind = soft ? LossState.Targets.PROBABILITIES : LossState.Targets.CLASS_INDEX;
        CrossEntropy kernel = new CrossEntropy(o, C);
        LossState onePass = LossState.of(o, kind);
        for (int i = 0; i < n; i++) {
            add(kernel, onePass, soft, rows.get(i), probs.get(i), targets.get(i));
        }
        for (int trial = 0; trial < 10; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, r);
            int parts = 1 + r.nextInt(17);
            List<LossState> states = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                states.add(LossState.of(o, kind));
            }
            for (int i : order) {
                add(kernel, states.get(r.nextInt(parts)), soft, rows.get(i), probs.get(i), targets.get(i));
            }
            Collections.shuffle(states, r);
            LossState merged = LossState.of(o, kind);
            for (LossState s : states) {
                merged.merge(s);
            }
            assertSameBits(onePass, merged);
        }
    }

    private static void add(CrossEntropy k, LossState s, boolean soft, double[] x, double[] p, long y) {
        if (soft) {
            k.add(s, x, p);
        } else {
            k.add(s, x, y);
        }
    }

    static void assertSameBits(LossState expected, LossState actual) {
        assertEquals(Double.doubleToRawLongBits(expected.sum()), Double.doubleToRawLongBits(actual.sum()), "sum");
        assertEquals(Double.doubleToRawLongBits(expected.mean()), Double.doubleToRawLongBits(actual.mean()), "mean");
        assertEquals(Double.doubleToRawLongBits(expected.weightSum()),
                Double.doubleToRawLongBits(actual.weightSum()), "weight sum");
        assertEquals(expected.scored(), actual.scored(), "scored");
        assertEquals(expected.ignored(), actual.ignored(), "ignored");
        assertEquals(expected.rejected(), actual.rejected(), "rejected");
        assertEquals(expected.nonFinite(), actual.nonFinite(), "non-finite");
    }

    @Test
    void emptyStateFollowsTorch() {
        LossState index = new LossState(LossState.Targets.CLASS_INDEX, false);
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(index.sum()));
        assertTrue(Double.isNaN(index.mean()));
        LossState soft = new LossState(LossState.Targets.PROBABILITIES, false);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(soft.sum()));
        assertTrue(Double.isNaN(soft.mean()));
        assertEquals(0, index.rows());
    }

    @Test
    void countsAddUpAndNonFiniteLossesAreCounted() {
        LossState s = new LossState(LossState.Targets.CLASS_INDEX, false);
        s.add(1.0, 1.0);
        s.add(Double.POSITIVE_INFINITY, 1.0);
        s.add(Double.NaN, 0.5);
        s.addIgnored();
        s.addRejected();
        s.addRejected();
        assertEquals(3, s.scored());
        assertEquals(1, s.ignored());
        assertEquals(2, s.rejected());
        assertEquals(2, s.nonFinite());
        assertEquals(6, s.rows());
        assertEquals(2.5, s.weightSum(), 0.0);
        assertTrue(Double.isNaN(s.sum()));
    }

    @Test
    void refusesWhatItCannotDo() {
        LossState index = new LossState(LossState.Targets.CLASS_INDEX, false);
        assertThrows(IllegalArgumentException.class, () -> index.reduce(Reduction.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> index.merge(new LossState(LossState.Targets.PROBABILITIES, false)));
        assertThrows(IllegalArgumentException.class, () -> index.merge(new LossState(LossState.Targets.CLASS_INDEX,
                true)));
        assertThrows(IllegalStateException.class, () -> index.add(1.0, 2.0, 1.0));
        assertThrows(IllegalStateException.class, () -> new LossState(LossState.Targets.CLASS_INDEX, true)
                .add(1.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new LossState(LossState.Targets.PROBABILITIES, true));
    }

    @Test
    void compactBytesRoundTripAndRefuseOtherVersions() {
        Random r = new Random(43);
        CrossEntropyOptions o = CrossEntropyOptions.builder().labelSmoothing(0.3).build();
        CrossEntropy kernel = new CrossEntropy(o, C);
        LossState s = LossState.of(o, LossState.Targets.CLASS_INDEX);
        for (int i = 0; i < 40; i++) {
            kernel.add(s, row(r), i % 9 == 0 ? -100 : r.nextInt(C));
        }
        s.add(Double.POSITIVE_INFINITY, 0.0, 1.0);
        s.addRejected();
        s.addNonFiniteInput();
        byte[] bytes = s.toBytes();
        LossState back = LossState.fromBytes(bytes);
        assertSameBits(s, back);
        assertEquals(1, back.nonFiniteInputs());
        assertTrue(bytes.length < 1000, "compact: " + bytes.length + " bytes");
        bytes[0] = 99;
        assertThrows(IllegalArgumentException.class, () -> LossState.fromBytes(bytes));
        assertThrows(IllegalArgumentException.class, () -> LossState.fromBytes(new byte[] {2, 0}));
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        Random r = new Random(42);
        CrossEntropyOptions o = CrossEntropyOptions.builder().labelSmoothing(0.2).weight(1, 2, 3, 4, 5, 6, 7).build();
        CrossEntropy kernel = new CrossEntropy(o, C);
        LossState s = LossState.of(o, LossState.Targets.CLASS_INDEX);
        for (int i = 0; i < 50; i++) {
            kernel.add(s, row(r), r.nextInt(C));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        LossState back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (LossState) in.readObject();
        }
        assertSameBits(s, back);
        assertTrue(back.smoothed());
    }
}
