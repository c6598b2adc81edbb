package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance rule: within 1e-12 relative of torch float64 (absolute where |value| < 1); NaN, ±inf exactly;
 * and the sign of torch's zeros whenever xent's value is itself zero. Records the largest deviation seen.
 */
public final class TorchMatch {
    public static final double TOLERANCE = 1e-12;

    private static double largestDeviation;
    private static String largestDeviationAt = "nothing compared";
    private static long comparisons;

    private TorchMatch() {
    }

    public static synchronized void check(String where, double expected, double actual) {
        comparisons++;
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            if (Double.compare(expected, actual) != 0) {
                fail(where + ": torch gives " + expected + " but xent gives " + actual);
            }
            return;
        }
        if (Double.isNaN(actual) || Double.isInfinite(actual)) {
            fail(where + ": torch gives " + expected + " but xent gives " + actual);
        }
        if (actual == 0.0 && expected == 0.0 && Double.compare(expected, actual) != 0) {
            fail(where + ": torch gives " + expected + " but xent gives " + actual + " (sign of zero)");
        }
        double deviation = Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
        if (deviation > largestDeviation) {
            largestDeviation = deviation;
            largestDeviationAt = where + " (torch " + expected + ", xent " + actual + ")";
        }
        if (!(deviation <= TOLERANCE)) {
            fail(where + ": torch gives " + expected + " but xent gives " + actual + " (deviation " + deviation
                    + " > " + TOLERANCE + ")");
        }
    }

    public static synchronized String report() {
        return comparisons + " values compared with torch; largest deviation " + largestDeviation + " at "
                + largestDeviationAt;
    }
}
