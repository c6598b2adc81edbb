package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LossHistogram}: bins, merging, and quantiles within one bin of the exact ones. */
class LossHistogramTest {

    @Test
    void binsAndEdges() {
        assertEquals(0, LossHistogram.bin(0.0));
        assertEquals(0, LossHistogram.bin(-3.0));
        assertEquals(0, LossHistogram.bin(1e-9));
        assertEquals(LossHistogram.LOG_BINS + 1, LossHistogram.bin(1e4));
        int one = LossHistogram.bin(1.0);
        assertTrue(LossHistogram.lowerEdge(one) <= 1.0 && 1.0 < LossHistogram.upperEdge(one));
        LossHistogram h = new LossHistogram();
        h.add(Double.NaN);
        h.add(Double.POSITIVE_INFINITY);
        h.add(0.5);
        assertEquals(2, h.nonFinite());
        assertEquals(1, h.finiteCount());
    }

    @Test
    void quantilesAreWithinABinAndMergingChangesNothing() {
        Random r = new Random(3);
        double[] losses = new double[20000];
        LossHistogram a = new LossHistogram();
        LossHistogram b = new LossHistogram();
        LossHistogram all = new LossHistogram();
        for (int i = 0; i < losses.length; i++) {
            losses[i] = Math.exp(r.nextGaussian() * 3 - 2);
            (i % 2 == 0 ? a : b).add(losses[i]);
            all.add(losses[i]);
        }
        b.merge(a);
        LossHistogram merged = b;
        Arrays.sort(losses);
        double binRatio = Math.pow(10, 1.0 / LossHistogram.PER_DECADE);
        for (double q : new double[] {0.01, 0.25, 0.5, 0.9, 0.99}) {
            double exact = losses[(int) Math.round(q * (losses.length - 1))];
            double estimate = merged.quantile(q);
            assertEquals(all.quantile(q), estimate, 0.0);
            assertTrue(estimate / exact < binRatio * 1.01 && exact / estimate < binRatio * 1.01,
                    q + ": " + estimate + " vs " + exact);
        }
        assertTrue(Double.isNaN(new LossHistogram().quantile(0.5)));
    }
}
