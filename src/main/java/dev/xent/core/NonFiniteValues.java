package dev.xent.core;

/**
 * Whether a row holds a NaN or an infinity (a {@code -inf} mask counts: it is not a finite logit), checked on
 * {@link SumExp#best()}.
 */
public final class NonFiniteValues {
    private NonFiniteValues() {
    }

    /** True when any value is NaN or ±infinity; false for an empty or null row. */
    public static boolean any(float[] x) {
        if (x == null) {
            return false;
        }
        return SumExp.best().anyNonFinite(x);
    }

    /** True when any value is NaN or ±infinity; false for an empty or null row. */
    public static boolean any(double[] x) {
        if (x == null) {
            return false;
        }
        return SumExp.best().anyNonFinite(x);
    }
}
