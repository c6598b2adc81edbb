package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The paired comparison's state is a commutative monoid (any split, merged in any order, has one pass's bytes, with
 * and without bootstrap), its figures are what the formulas say, and its intervals cover a known difference about
 * 95 % of the time.
 */
class PairedComparisonTest {

    @Test
    void anySplitMergedInAnyOrderHasOnePasssBytes() {
        for (PoissonBootstrap bootstrap : new PoissonBootstrap[] {null, new PoissonBootstrap(17, 5)}) {
            Random r = new Random(42);
            PairedComparison whole = new PairedComparison(bootstrap);
            List<PairedComparison> parts = List.of(whole.zero(), whole.zero(), whole.zero());
            for (int i = 0; i < 200; i++) {
                double b = r.nextDouble() * 3;
                double c = i % 11 == 0 ? b : b + r.nextGaussian() * 0.3;
                double w = 0.5 + r.nextInt(3);
                long key = PoissonBootstrap.hashKey("row-" + i);
                whole.add(b, c, w, key);
                parts.get(r.nextInt(3)).add(b, c, w, key);
            }
            byte[] expected = whole.toBytes();
            PairedComparison left = parts.get(0).zero().merge(parts.get(0)).merge(parts.get(1)).merge(parts.get(2));
            PairedComparison bc = parts.get(1).zero().merge(parts.get(1)).merge(parts.get(2));
            PairedComparison right = parts.get(0).zero().merge(parts.get(0)).merge(bc);
            PairedComparison reversed = parts.get(2).zero().merge(parts.get(2)).merge(parts.get(1)).merge(parts.get(0));
            assertArrayEquals(expected, left.toBytes(), "(a + b) + c");
            assertArrayEquals(expected, right.toBytes(), "a + (b + c)");
            assertArrayEquals(expected, reversed.toBytes(), "c + b + a");
            assertArrayEquals(expected, whole.zero().merge(whole).toBytes(), "0 + x");
            assertArrayEquals(expected, PairedComparison.fromBytes(expected).toBytes(), "bytes round trip");
            assertEquals(200, whole.rows());
            assertEquals(200, whole.wins() + whole.ties() + whole.losses());
            assertTrue(whole.ties() >= 19);
        }
    }

    @Test
    void figuresFollowTheFormulas() {
        double[] b = {1.0, 2.0, 0.5, 3.0};
        double[] c = {0.5, 2.5, 0.5, 1.0};
        double[] w = {1.0, 2.0, 1.0, 0.5};
        PairedComparison p = new PairedComparison();
        for (int i = 0; i < b.length; i++) {
            p.add(b[i], c[i], w[i], i);
        }
        double sw = 4.5;
        double diff = 4.5 / sw - 6.5 / sw;
        double ss = 0;
        for (int i = 0; i < b.length; i++) {
            double e = (c[i] - b[i]) - diff * w[i];
            ss += e * e;
        }
        double se = Math.sqrt(4.0 / 3.0 * ss) / sw;
        assertEquals(diff, p.difference(), 1e-15);
        assertEquals(se, p.standardError(), 1e-15);
        assertEquals(diff / se, p.z(), 1e-13);
        assertEquals(2, p.wins());
        assertEquals(1, p.ties());
        assertEquals(1, p.losses());
        assertArrayEquals(new double[] {diff - PairedComparison.Z_975 * se, diff + PairedComparison.Z_975 * se},
                p.ci95(), 1e-15);
    }

    @Test
    void pValueIsTheNormalTailSymmetricMonotoneAndContinuousAcrossItsTwoMethods() {
        assertEquals(1.0, NormalDistribution.twoSidedP(0.0));
        assertEquals(0.0, NormalDistribution.twoSidedP(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(NormalDistribution.twoSidedP(Double.NaN)));
        assertEquals(NormalDistribution.twoSidedP(2.5), NormalDistribution.twoSidedP(-2.5));
        double x = 6.0; // where the series hands over to the continued fraction
        double below = NormalDistribution.erfc(Math.nextDown(x));
        double at = NormalDistribution.erfc(x);
        assertTrue(below >= at, below + " then " + at);
        assertEquals(below, at, at * 1e-13);
        double previous = 1.0;
        for (double z = 0.25; z < 40; z += 0.25) {
            double p = NormalDistribution.twoSidedP(z);
            assertTrue(p < previous || p == 0.0, "p decreases: " + z);
            previous = p;
        }
    }

    @Test
    @Tag("slow")
    void bothIntervalsCoverAKnownDifferenceAbout95PercentOfTheTime() {
        int datasets = 1000;
        int rows = 150;
        double trueDifference = -0.1;
        int deltaCovers = 0;
        int bootstrapCovers = 0;
        Random r = new Random(20261130);
        for (int s = 0; s < datasets; s++) {
            PairedComparison p = new PairedComparison(new PoissonBootstrap(200, s));
            for (int i = 0; i < rows; i++) {
                double b = -Math.log(1 - r.nextDouble()); // exponential losses, skewed as losses are
                double c = b + trueDifference + 0.5 * (r.nextDouble() - 0.5) * (1 + b);
                p.add(b, c, 1.0, PoissonBootstrap.hashKey(i));
            }
            double[] delta = p.ci95();
            double[] boot = p.bootstrapCi95();
            deltaCovers += delta[0] <= trueDifference && trueDifference <= delta[1] ? 1 : 0;
            bootstrapCovers += boot[0] <= trueDifference && trueDifference <= boot[1] ? 1 : 0;
        }
        double delta = deltaCovers / (double) datasets;
        double boot = bootstrapCovers / (double) datasets;
        assertTrue(delta >= 0.93 && delta <= 0.97, "delta-method coverage " + delta);
        assertTrue(boot >= 0.93 && boot <= 0.97, "bootstrap coverage " + boot);
    }

    @Test
    void bootstrapWeightsArePoissonOneAndDependOnlyOnKeyReplicateAndSeed() {
        PoissonBootstrap a = new PoissonBootstrap(10, 7);
        PoissonBootstrap b = new PoissonBootstrap(10, 7);
        List<Integer> draws = new ArrayList<>();
        double sum = 0;
        double squares = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            int k = a.weight(PoissonBootstrap.hashKey(i), i % 10);
            assertEquals(k, b.weight(PoissonBootstrap.hashKey(i), i % 10));
            sum += k;
            squares += k * (double) k;
            if (i < 5) {
                draws.add(k);
            }
        }
        double mean = sum / n;
        double variance = squares / n - mean * mean;
        assertEquals(1.0, mean, 0.01);
        assertEquals(1.0, variance, 0.02);
        int differ = 0;
        PoissonBootstrap other = new PoissonBootstrap(10, 8);
        for (int i = 0; i < 1000; i++) {
            differ += other.weight(PoissonBootstrap.hashKey(i), 0) != a.weight(PoissonBootstrap.hashKey(i), 0) ? 1 : 0;
        }
        assertTrue(differ > 400, "another seed draws other weights: " + differ);
    }
}
