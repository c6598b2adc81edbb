package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The conformance rule. NaN and ±inf must equal torch's float64 value exactly, and a zero must have the sign of
 * torch's zero whenever xent's value is itself zero. A finite value must be within {@link #TOLERANCE} relative of
 * the exact value ({@code exact.py}: mpmath, rounded once), with an absolute floor of {@link #FLOOR}, or else no
 * farther from it than torch's value is. Values without an exact reference (the sample's) are held to the
 * tolerance and floor against torch's.
 *
 * <p>Why the floor: torch and xent both compute {@code -log_softmax} as {@code (m - x_y) + log(sum exp(x - m))},
 * whose terms cancel on a loss near 0, so both are good to about 1e-16 times the logits' scale there, not 1e-12
 * relative. Torch is 80 % off the exact value on a mean of 2e-16 ({@code random-1171}) and 1.6e-14 off on a loss
 * of 8e-12 with logits near 100 ({@code random-0244}); xent is 4.2e-16 off on a loss of 2e-12 ({@code random-0982},
 * where torch is 6e-18 off) and 2e-15 off that case's sum. The floor, 1e-14, is the resolution of a double
 * log-softmax near 0 with O(1) logits, with a margin for other CPUs' vector kernels; with larger logits the
 * allowance for torch's own error takes over (the Spark path is 1.6e-14 off {@code random-0244}'s 7e-12 loss,
 * where torch is 3.2e-14 off). The floor is not far below every golden value: of torch's values that are not 0,
 * 10 lie below it (the smallest 3.9e-17), and returning 0 passes for those; returning 0 for any other tiny loss
 * fails (29 more lie below 1e-12), as it is farther from the exact value than torch.
 *
 * <p>Records the largest relative deviations seen, from torch and from the exact values.
 */
public final class TorchMatch {
    public static final double TOLERANCE = 1e-12;
    public static final double FLOOR = 1e-14;

    private static final Deviation FROM_TORCH = new Deviation();
    private static final Deviation FROM_EXACT = new Deviation();
    private static long comparisons;

    private TorchMatch() {
    }

    /** {@link #check(String, double, double, double)} with values as the generator wrote them. */
    public static void check(String where, JsonNode torch, JsonNode exact, double actual) {
        check(where, GoldenCase.number(torch), GoldenCase.number(exact), actual);
    }

    /** Checks a value against torch's and the exact value of the same figure. */
    public static synchronized void check(String where, double torch, double exact, double actual) {
        if (!sameSpecialValue(where, torch, actual)) {
            compare(where, exact, actual, Math.abs(torch - exact), "the exact value " + exact + " (torch " + torch
                    + ")");
            FROM_TORCH.record(where, torch, actual);
            FROM_EXACT.record(where, exact, actual);
        }
    }

    /** Checks a value that has no exact reference (the sample's figures) against torch's alone. */
    public static synchronized void check(String where, double torch, double actual) {
        if (!sameSpecialValue(where, torch, actual)) {
            compare(where, torch, actual, 0.0, "torch's " + torch);
            FROM_TORCH.record(where, torch, actual);
        }
    }

    /** Checks NaN, ±inf and the sign of zero; true when that settled the comparison. */
    private static boolean sameSpecialValue(String where, double torch, double actual) {
        comparisons++;
        if (!Double.isFinite(torch)) {
            if (Double.compare(torch, actual) != 0) {
                fail(where + ": torch gives " + torch + " but xent gives " + actual);
            }
            return true;
        }
        if (!Double.isFinite(actual)) {
            fail(where + ": torch gives " + torch + " but xent gives " + actual);
        }
        if (actual == 0.0 && torch == 0.0 && Double.compare(torch, actual) != 0) {
            fail(where + ": torch gives " + torch + " but xent gives " + actual + " (sign of zero)");
        }
        return false;
    }

    private static void compare(String where, double expected, double actual, double torchError,
            String reference) {
        double difference = Math.abs(actual - expected);
        double allowed = Math.max(Math.max(TOLERANCE * Math.abs(expected), FLOOR), torchError);
        if (!(difference <= allowed)) {
            fail(where + ": xent gives " + actual + ", " + difference + " from " + reference + "; allowed " + allowed);
        }
    }

    public static synchronized String report() {
        return comparisons + " values compared with torch; largest relative deviation from torch " + FROM_TORCH
                + "; from the exact value " + FROM_EXACT;
    }

    /** The largest relative deviation seen (of values whose reference is not 0). */
    private static final class Deviation {
        private double largest;
        private String at = "(nothing compared)";

        void record(String where, double expected, double actual) {
            if (expected == 0.0) {
                return;
            }
            double relative = Math.abs(actual - expected) / Math.abs(expected);
            if (relative > largest) {
                largest = relative;
                at = "at " + where + " (reference " + expected + ", xent " + actual + ")";
            }
        }

        @Override
        public String toString() {
            return largest + " " + at;
        }
    }
}
