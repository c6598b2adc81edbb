package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The conformance rule. NaN and ±inf must equal torch's float64 value exactly, and where the exact value is 0 (or
 * there is none) a zero must have the sign of torch's zero whenever xent's value is itself zero (one exception,
 * below); against an exact value that is not 0, xent's zero is held to the tolerance like any other value. A finite value must be within
 * {@link #TOLERANCE} relative of the exact value ({@code exact.py}: mpmath, rounded once), with an absolute floor of
 * {@link #EXACT_FLOOR}: 1e-12 of the smallest normal double, 2.2e-320, so the relative rule holds for every normal
 * value (the golden files hold exact losses from 1e-304 to 1e-16 by the dozen) and a subnormal one may be off by the
 * subnormal grid's rounding of each term of its sum. Returning 0, or a value off by 1e-12 of itself, fails for every
 * tiny loss down to 1e-308. Torch's own value earns xent no allowance: torch is 100 % off on many tiny losses
 * ({@code random-0402}'s 1e-304, where torch gives 0) and 13 % off {@code random-1171}'s 2e-16; xent computes them to
 * a few ulps (the log-softmax of the class holding the row's maximum is {@code -log1p} of the other classes' sum, see
 * {@code SumExp.logSoftmaxAt}).
 *
 * <p>The exception to the sign of zero: xent's {@code +0.0} passes for torch's {@code -0.0} where the exact value is
 * 0. Torch gives {@code -0.0} for a zero-weight row, {@code -(0 * lsm_y)}, when its {@code lsm_y} rounds to
 * {@code +0.0}; xent's {@code lsm_y} is the exact tiny negative value there ({@code random-0228}'s 1e-121,
 * {@code random-0834}'s 2e-41), so {@code -(0 * lsm_y)} is {@code +0.0}, the sign torch's own formula gives without
 * its rounding. Where {@code lsm_y} is exactly 0 (C = 1, every other class {@code -inf}), xent keeps torch's
 * {@code -0.0}: {@code CrossEntropyTest} pins that. {@link #report()} says how often the exception was used.
 *
 * <p>Values without an exact reference (the sample's) are held to the tolerance against torch's, with an absolute
 * floor of {@link #TORCH_FLOOR} but never more than half of a reference that is not 0.
 *
 * <p>Records the largest relative deviations seen, from torch and from the exact values.
 */
public final class TorchMatch {
    public static final double TOLERANCE = 1e-12;
    /** The absolute floor against an exact value: {@code TOLERANCE * Double.MIN_NORMAL}, 2.2e-320 (see the class notes). */
    public static final double EXACT_FLOOR = TOLERANCE * Double.MIN_NORMAL;
    /** The absolute floor against torch's value where there is no exact one (the resolution of a double log-softmax near 0). */
    public static final double TORCH_FLOOR = 1e-14;

    private static final Deviation FROM_TORCH = new Deviation();
    private static final Deviation FROM_EXACT = new Deviation();
    private static long comparisons;
    /** Torch's {@code -0.0} met by xent's {@code +0.0} where the exact value is 0 (see the class notes). */
    private static long unsignedZeros;

    private TorchMatch() {
    }

    /** {@link #check(String, double, double, double)} with values as the generator wrote them. */
    public static void check(String where, JsonNode torch, JsonNode exact, double actual) {
        check(where, GoldenCase.number(torch), GoldenCase.number(exact), actual);
    }

    /** Checks a value against torch's and the exact value of the same figure. */
    public static synchronized void check(String where, double torch, double exact, double actual) {
        if (exact == 0.0 && actual == 0.0 && isNegativeZero(torch) && !isNegativeZero(actual)) {
            comparisons++;
            unsignedZeros++;
            return;
        }
        if (!sameSpecialValue(where, torch, actual, exact == 0.0)) {
            compare(where, exact, actual, EXACT_FLOOR, "the exact value " + exact + " (torch " + torch + ")");
            FROM_TORCH.record(where, torch, actual);
            FROM_EXACT.record(where, exact, actual);
        }
    }

    /** Checks a value that has no exact reference (the sample's figures) against torch's alone. */
    public static synchronized void check(String where, double torch, double actual) {
        if (!sameSpecialValue(where, torch, actual, true)) {
            compare(where, torch, actual, torch == 0.0 ? TORCH_FLOOR : Math.min(TORCH_FLOOR, Math.abs(torch) / 2),
                    "torch's " + torch);
            FROM_TORCH.record(where, torch, actual);
        }
    }

    private static boolean isNegativeZero(double v) {
        return Double.doubleToRawLongBits(v) == Long.MIN_VALUE;
    }

    /**
     * Checks NaN, ±inf and, when {@code signOfZero}, the sign of zero; true when that settled the comparison. (Against
     * an exact value that is not 0, a zero is a value like any other, held to the tolerance.)
     */
    private static boolean sameSpecialValue(String where, double torch, double actual, boolean signOfZero) {
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
        if (signOfZero && actual == 0.0 && torch == 0.0 && Double.compare(torch, actual) != 0) {
            fail(where + ": torch gives " + torch + " but xent gives " + actual + " (sign of zero)");
        }
        return false;
    }

    private static void compare(String where, double expected, double actual, double floor, String reference) {
        double difference = Math.abs(actual - expected);
        double allowed = Math.max(TOLERANCE * Math.abs(expected), floor);
        if (!(difference <= allowed)) {
            fail(where + ": xent gives " + actual + ", " + difference + " from " + reference + "; allowed " + allowed);
        }
    }

    public static synchronized String report() {
        return comparisons + " values compared with torch; largest relative deviation (of normal references) from torch "
                + FROM_TORCH
                + "; from the exact value " + FROM_EXACT + "; torch's -0.0 met by +0.0 where the exact value is 0: "
                + unsignedZeros;
    }

    /**
     * The largest relative deviation seen, of values whose reference is a normal double (a subnormal one has fewer
     * than 52 bits, so its relative deviation says little; the floor bounds it).
     */
    private static final class Deviation {
        private double largest;
        private String at = "(nothing compared)";

        void record(String where, double expected, double actual) {
            if (Math.abs(expected) < Double.MIN_NORMAL) {
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
