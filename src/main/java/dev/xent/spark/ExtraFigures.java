package dev.xent.spark;

import java.io.Serializable;

/**
 * Figures gathered in the same scan beyond the loss, when asked for (each costs another pass over a row's logits):
 * classification figures (accuracy, top-k accuracy, mean entropy, calibration error) and a per-class breakdown,
 * both for class-index rows (not probability targets, not sequences); and a loss histogram.
 */
public final class ExtraFigures implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Nothing beyond the loss. */
    public static final ExtraFigures NONE = new ExtraFigures(false, 5, false, false);

    private final boolean classification;
    private final int topK;
    private final boolean perClass;
    private final boolean histogram;

    public ExtraFigures(boolean classification, int topK, boolean perClass) {
        this(classification, topK, perClass, false);
    }

    /** With {@code histogram}, also a histogram of the scored rows' losses (any row kind but sequences). */
    public ExtraFigures(boolean classification, int topK, boolean perClass, boolean histogram) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k: expected at least 1, got " + topK);
        }
        this.classification = classification;
        this.topK = topK;
        this.perClass = perClass;
        this.histogram = histogram;
    }

    public boolean histogram() {
        return histogram;
    }

    public boolean classification() {
        return classification;
    }

    public int topK() {
        return topK;
    }

    public boolean perClass() {
        return perClass;
    }

    public boolean any() {
        return classification || perClass;
    }
}
