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
 * {@code binaryLogits, doubleLogits, doubleSequence, floatLogits, floatSequence, nullElements, probabilities,
 * sequenceBytes, sequenceWords, target, targetSequence}. The sequence properties carry language-model rows: T tokens
 * of C logits and T targets, with optional byte and word counts. {@link InputColumns} builds them in that
 * order.
 */
public final class EvaluationRow implements Serializable {
    private static final long serialVersionUID = 1L;

    private byte[] binaryLogits;
    private double[] doubleLogits;
    private double[][] doubleSequence;
    private float[] floatLogits;
    private float[][] floatSequence;
    private boolean nullElements;
    private double[] probabilities;
    private Long sequenceBytes;
    private Long sequenceWords;
    private Long target;
    private long[] targetSequence;

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

    public double[][] getDoubleSequence() {
        return doubleSequence;
    }

    public void setDoubleSequence(double[][] doubleSequence) {
        this.doubleSequence = doubleSequence;
    }

    public float[][] getFloatSequence() {
        return floatSequence;
    }

    public void setFloatSequence(float[][] floatSequence) {
        this.floatSequence = floatSequence;
    }

    public Long getSequenceBytes() {
        return sequenceBytes;
    }

    public void setSequenceBytes(Long sequenceBytes) {
        this.sequenceBytes = sequenceBytes;
    }

    public Long getSequenceWords() {
        return sequenceWords;
    }

    public void setSequenceWords(Long sequenceWords) {
        this.sequenceWords = sequenceWords;
    }

    public long[] getTargetSequence() {
        return targetSequence;
    }

    public void setTargetSequence(long[] targetSequence) {
        this.targetSequence = targetSequence;
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
