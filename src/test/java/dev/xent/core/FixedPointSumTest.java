package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FixedPointSum} against a BigDecimal oracle of the per-value-rounded sum, in any order. */
class FixedPointSumTest {

    static double oracle(List<Double> values) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal scale = new BigDecimal(0x1p64);
        for (double v : values) {
            sum = sum.add(new BigDecimal(v).multiply(scale).setScale(0, RoundingMode.HALF_EVEN));
        }
        return sum.divide(scale).doubleValue();
    }

    @Test
    void matchesTheOracleInAnyOrder() {
        Random r = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                double v = r.nextGaussian() * Math.pow(10, r.nextInt(30) - 20);
                values.add(r.nextInt(5) == 0 ? -v : v);
            }
            values.add(0x1p61);
            values.add(-0x1p61 + 1);
            double expected = oracle(values);
            for (int k = 0; k < 5; k++) {
                Collections.shuffle(values, r);
                FixedPointSum a = new FixedPointSum();
                FixedPointSum b = new FixedPointSum();
                for (int i = 0; i < values.size(); i++) {
                    (i % 3 == 0 ? a : b).add(values.get(i));
                }
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(a.merge(b).value()));
            }
        }
    }

    @Test
    void nonFiniteAndLimits() {
        FixedPointSum s = new FixedPointSum();
        s.add(1.5);
        s.add(Double.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, s.value());
        s.add(Double.NaN);
        assertTrue(Double.isNaN(s.value()));
        assertThrows(IllegalArgumentException.class, () -> new FixedPointSum().add(0x1p63));
        FixedPointSum tiny = new FixedPointSum();
        tiny.add(1e-30);
        assertEquals(0.0, tiny.value(), 0.0);
        FixedPointSum negative = new FixedPointSum();
        negative.add(-2.75);
        negative.add(-0x1p-64);
        assertEquals(-2.75 - 0x1p-64, negative.value(), 0.0);
    }
}
