package dev.xent.spark;

import java.io.Serializable;

/**
 * One input row as the aggregate reads it, through a bean encoder so that logits arrive as a primitive array
 * (no per-element boxing). At most one of {@code binaryLogits} (packed, decoded by the aggregate),
 * {@code doubleLogits} and {@code floatLogits} is set (all null: the row's logits are null), and either {@code target} (a class index, null when the row has none) or
 * {@code probabilities}. {@code nullElements} is true when the logits or probabilities hold a null element, which
 * a primitive array cannot show.
 *
 * <p>Spark binds the aggregate's input columns to these properties by position in alphabetical order:
 * {@code binaryLogits, doubleLogits, floatLogits, nullElements, probabilities, target}. {@link InputColumns} builds them in that
 * order.
 */
public final class EvaluationRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private byte[] binaryLogits;
    private double[] doubleLogits;
    private float[] floatLogits;
    private boolean nullElements;
    private double[] probabilities;
    private Long target;

    public byte[] getBinaryLogits() {
        return binaryLogits;
    }

    public void setBinaryLogits(byte[] binaryLogits) {
        this.binaryLogits = binaryLogits;
    }

    public double[] getDoubleLogits() {
        return doubleLogits;
    }

    public void setDoubleLogits(double[] doubleLogits) {
        this.doubleLogits = doubleLogits;
    }

    public float[] getFloatLogits() {
        return floatLogits;
    }

    public void setFloatLogits(float[] floatLogits) {
        this.floatLogits = floatLogits;
    }

    public boolean isNullElements() {
        return nullElements;
    }

    public void setNullElements(boolean nullElements) {
        this.nullElements = nullElements;
    }

    public double[] getProbabilities() {
        return probabilities;
    }

    public void setProbabilities(double[] probabilities) {
        this.probabilities = probabilities;
    }

    public Long getTarget() {
        return target;
    }

    public void setTarget(Long target) {
        this.target = target;
    }
}
