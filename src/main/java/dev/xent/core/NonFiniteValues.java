package dev.xent.core;

/** Whether a row holds a NaN or an infinity (a {@code -inf} mask counts: it is not a finite logit). */
public final class NonFiniteValues {
    private NonFiniteValues() {
    }

    /** True when any value is NaN or ±infinity; false for an empty or null row. */
    public static boolean any(float[] x) {
        if (x == null) {
            return false;
        }
        boolean any = false;
        for (float v : x) {
            any |= !(Math.abs(v) <= Float.MAX_VALUE);
        }
        return any;
    }

    /** True when any value is NaN or ±infinity; false for an empty or null row. */
    public static boolean any(double[] x) {
        if (x == null) {
            return false;
        }
        boolean any = false;
        for (double v : x) {
            any |= !(Math.abs(v) <= Double.MAX_VALUE);
        }
        return any;
    }
}
