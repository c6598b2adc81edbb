package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ExactSum} against a {@link BigDecimal} oracle, in every order and every split/merge tree. */
class ExactSumTest {

    /** The correctly rounded sum of finite values: exact BigDecimal sum, then one rounding. */
    static double oracle(List<Double> values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : values) {
            sum = sum.add(new BigDecimal(v));
        }
        return sum.doubleValue();
    }

    static double sumOf(List<Double> values) {
        ExactSum s = new ExactSum();
        for (double v : values) {
            s.add(v);
        }
        return s.value();
    }

    /** Sums {@code values} through a random tree of splits, partial sums and merges in random order. */
    static ExactSum randomTree(List<Double> values, Random random) {
        if (values.size() <= 3 || random.nextInt(8) == 0) {
            ExactSum s = new ExactSum();
            values.forEach(s::add);
            return s;
        }
        int parts = 2 + random.nextInt(3);
        List<ExactSum> sums = new ArrayList<>();
        int start = 0;
        for (int p = 0; p < parts; p++) {
            int end = p == parts - 1 ? values.size() : start + random.nextInt(values.size() - start + 1);
            sums.add(randomTree(values.subList(start, end), random));
            start = end;
        }
        Collections.shuffle(sums, random);
        ExactSum total = sums.get(0);
        for (int i = 1; i < sums.size(); i++) {
            total.merge(sums.get(i));
        }
        return total;
    }

    static List<Double> spreadMagnitudes(Random random, int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double mantissa = 1.0 + random.nextDouble();
            int exponent = -1074 + random.nextInt(2098);
            double v = Math.scalb(mantissa, Math.min(exponent, 1000));
            out.add(random.nextBoolean() ? v : -v);
        }
        return out;
    }

    static List<Double> cancelling(Random random, int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n / 2; i++) {
            double big = Math.scalb(random.nextDouble(), random.nextInt(200) - 100);
            out.add(big);
            out.add(-big);
        }
        for (int i = 0; i < 5; i++) {
            out.add(Math.scalb(random.nextGaussian(), -(random.nextInt(60) + 60)));
        }
        Collections.shuffle(out, random);
        return out;
    }

    static List<Double> negativeWeightLosses(Random random, int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double loss = -Math.log(random.nextDouble() + 1e-12);
            double weight = random.nextDouble() * 2.5 - 0.5;
            out.add(weight * loss);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void matchesTheOracleInAnyOrderAndAnyMergeTree(int seed) {
        Random random = new Random(seed);
        List<List<Double>> datasets = List.of(spreadMagnitudes(random, 400), cancelling(random, 400),
                negativeWeightLosses(random, 400), subnormals(random, 200));
        for (List<Double> data : datasets) {
            double expected = oracle(data);
            assertEquals(expected, sumOf(data), 0.0, "in order");
            for (int t = 0; t < 20; t++) {
                List<Double> shuffled = new ArrayList<>(data);
                Collections.shuffle(shuffled, random);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(sumOf(shuffled)),
                        "shuffled");
                assertEquals(Double.doubleToRawLongBits(expected),
                        Double.doubleToRawLongBits(randomTree(shuffled, random).value()), "merge tree");
            }
        }
    }

    static List<Double> subnormals(Random random, int n) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double v = Double.MIN_VALUE * (1 + random.nextInt(1 << 20));
            out.add(random.nextInt(3) == 0 ? -v : v);
        }
        return out;
    }

    @Test
    void exactValueIsTheExactSum() {
        // A bug found: the scale 2^-1074 was once taken from Double.toString (4.9E-324) and was 0.8% off.
        List<Double> values = List.of(0.1, 1e-300, -7.25, Double.MIN_VALUE, 3e200);
        ExactSum s = new ExactSum();
        BigDecimal expected = BigDecimal.ZERO;
        for (double v : values) {
            s.add(v);
            expected = expected.add(new BigDecimal(v));
        }
        assertEquals(0, expected.compareTo(s.exactValue()));
    }

    @Test
    void roundsTiesToEven() {
        // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even wins.
        assertEquals(0x1p53, sumOf(List.of(0x1p53, 1.0)), 0.0);
        // 2^53 + 3 is a tie between 2^53 + 2 and 2^53 + 4: even (2^53 + 4) wins.
        assertEquals(0x1p53 + 4, sumOf(List.of(0x1p53, 1.0, 2.0)), 0.0);
        // Just above the tie rounds up.
        assertEquals(0x1p53 + 2, sumOf(List.of(0x1p53, 1.0, 0x1p-60)), 0.0);
    }

    @Test
    void keepsWhatNaiveSummationLoses() {
        List<Double> values = List.of(1e100, 1.0, -1e100);
        assertEquals(1.0, sumOf(values), 0.0);
        assertEquals(oracle(List.of(0.1, 0.2)), sumOf(List.of(0.1, 0.2)), 0.0);
        assertEquals(oracle(List.of(0.1, 0.2, -0.3)), sumOf(List.of(0.1, 0.2, -0.3)), 0.0);
        assertTrue(sumOf(List.of(0.1, 0.2, -0.3)) != 0.0);
    }

    @Test
    void zeroIsPositiveAndEmptyIsZero() {
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(new ExactSum().value()));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(sumOf(List.of(-0.0, -0.0))));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(sumOf(List.of(2.5, -2.5))));
        assertTrue(new ExactSum().isZero());
        ExactSum s = new ExactSum();
        s.add(3.0);
        s.add(-3.0);
        assertTrue(s.isZero());
        s.add(Double.MIN_VALUE);
        assertTrue(!s.isZero());
    }

    @Test
    void nonFiniteValues() {
        assertTrue(Double.isNaN(sumOf(List.of(1.0, Double.NaN, 2.0))));
        assertTrue(Double.isNaN(sumOf(List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY))));
        assertEquals(Double.POSITIVE_INFINITY, sumOf(List.of(Double.POSITIVE_INFINITY, -1e308, 5.0)));
        assertEquals(Double.NEGATIVE_INFINITY, sumOf(List.of(1e308, Double.NEGATIVE_INFINITY)));
        ExactSum a = new ExactSum();
        a.add(Double.POSITIVE_INFINITY);
        ExactSum b = new ExactSum();
        b.add(Double.NEGATIVE_INFINITY);
        assertTrue(Double.isNaN(a.merge(b).value()), "opposite infinities across a merge");
    }

    @Test
    void overflowRoundsToInfinityButIntermediateOverflowDoesNot() {
        assertEquals(Double.POSITIVE_INFINITY, sumOf(List.of(Double.MAX_VALUE, Double.MAX_VALUE)));
        assertEquals(Double.NEGATIVE_INFINITY, sumOf(List.of(-Double.MAX_VALUE, -Double.MAX_VALUE)));
        assertEquals(Double.MAX_VALUE, sumOf(List.of(Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE)));
        // Half an ulp above MAX_VALUE rounds to infinity; less than half stays finite.
        double halfUlp = Math.ulp(Double.MAX_VALUE) / 2;
        assertEquals(Double.POSITIVE_INFINITY, sumOf(List.of(Double.MAX_VALUE, halfUlp)));
        assertEquals(Double.MAX_VALUE, sumOf(List.of(Double.MAX_VALUE, halfUlp / 2)));
    }

    @Test
    void mergeKeepsTheOtherSumsValueAndCopyIsIndependent() {
        ExactSum a = new ExactSum();
        ExactSum b = new ExactSum();
        a.add(1.5);
        b.add(1e-300);
        b.add(-7.25);
        double before = b.value();
        a.merge(b);
        assertEquals(before, b.value(), 0.0);
        assertEquals(oracle(List.of(1.5, 1e-300, -7.25)), a.value(), 0.0);
        ExactSum c = a.copy();
        c.add(100.0);
        assertEquals(oracle(List.of(1.5, 1e-300, -7.25)), a.value(), 0.0);
    }

    @Test
    @Tag("slow")
    void carriesSurviveMoreAddsThanOneDigitHolds() {
        ExactSum s = new ExactSum();
        long n = (1L << 30) + 7;
        double big = Math.scalb(0x1.fffffffffffffp0, 40);
        for (long i = 0; i < n; i++) {
            s.add(big);
        }
        BigDecimal expected = new BigDecimal(big).multiply(BigDecimal.valueOf(n));
        assertEquals(expected.doubleValue(), s.value(), 0.0);
    }
}
