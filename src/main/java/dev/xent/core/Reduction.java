package dev.xent.core;

import java.util.Locale;

/** PyTorch's {@code reduction} argument: what one evaluation returns. */
public enum Reduction {
    /** One loss per row; ignored rows give {@code +0.0}. */
    NONE,
    /** The sum of the per-row losses; an empty or all-ignored input gives {@code 0.0}. */
    SUM,
    /**
     * The sum divided by PyTorch's normalizer: the sum of the target-class weights of the non-ignored rows
     * (class-index targets) or the number of rows (probability targets). An empty or all-ignored input gives NaN.
     */
    MEAN;

    /** Parses {@code none}, {@code sum} or {@code mean} (any case), naming the allowed values otherwise. */
    public static Reduction parse(String text) {
        if (text != null) {
            for (Reduction r : values()) {
                if (r.name().equalsIgnoreCase(text.trim())) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("reduction: expected one of none, sum, mean but got '" + text + "'");
    }

    /** The lower-case name PyTorch uses. */
    public String torchName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
