package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;

/**
 * Classification figures gathered in the same scan as the loss, mergeable and order-independent, over the scored
 * class-index rows (ignored and rejected rows are left out; every row counts once, whatever its weight):
 * <ul>
 *   <li>accuracy: the share of rows whose argmax (the first largest logit) is the target;</li>
 *   <li>top-k accuracy: the share of rows with fewer than k classes scoring strictly above the target (ties count
 *       in the target's favour);</li>
 *   <li>mean entropy of the predicted distribution, {@code -Σ_c p_c log p_c} in nats;</li>
 *   <li>expected calibration error over {@value #BINS} equal-width confidence bins ({@code confidence} = the largest
 *       predicted probability): {@code Σ_b (n_b / n) |accuracy_b - confidence_b|}, from per-bin counts and sums.</li>
 * </ul>
 * A row whose logits hold a NaN makes the entropy and confidence NaN, and so the mean entropy and the ECE.
 */
public final class ClassificationStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The number of equal-width confidence bins of the ECE. */
    public static final int BINS = 15;

    private final int topK;
    private long rows;
    private long correct;
    private long topKCorrect;
    private ExactSum entropySum = new ExactSum();
    private final long[] binRows = new long[BINS];
    private final long[] binCorrect = new long[BINS];
    private final FixedPointSum[] binConfidence = new FixedPointSum[BINS];

    public ClassificationStats(int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k: expected at least 1, got " + topK);
        }
        this.topK = topK;
        for (int b = 0; b < BINS; b++) {
            binConfidence[b] = new FixedPointSum();
        }
    }

    /** Adds one scored row: its log-probabilities and its target class. */
    public void add(double[] lsm, int target) {
        int argmax = 0;
        int above = 0;
        double targetValue = lsm[target];
        double entropy = 0.0;
        for (int c = 0; c < lsm.length; c++) {
            double v = lsm[c];
            if (v > lsm[argmax] || Double.isNaN(v) && !Double.isNaN(lsm[argmax])) {
                argmax = c;
            }
            if (v > targetValue) {
                above++;
            }
            if (v != Double.NEGATIVE_INFINITY) {
                entropy -= Math.exp(v) * v;
            }
        }
        boolean hit = argmax == target;
        double confidence = Math.exp(lsm[argmax]);
        rows++;
        correct += hit ? 1 : 0;
        topKCorrect += above < topK ? 1 : 0;
        entropySum.add(entropy);
        int bin = Double.isNaN(confidence) ? 0 : Math.min(BINS - 1, Math.max(0, (int) (confidence * BINS)));
        binRows[bin]++;
        binCorrect[bin] += hit ? 1 : 0;
        binConfidence[bin].add(Double.isNaN(confidence) ? Double.NaN : Math.min(1.0, confidence));
    }

    public ClassificationStats merge(ClassificationStats other) {
        if (other.topK != topK) {
            throw new IllegalArgumentException("cannot merge top-" + other.topK + " figures into top-" + topK);
        }
        rows += other.rows;
        correct += other.correct;
        topKCorrect += other.topKCorrect;
        entropySum.merge(other.entropySum);
        for (int b = 0; b < BINS; b++) {
            binRows[b] += other.binRows[b];
            binCorrect[b] += other.binCorrect[b];
            binConfidence[b].merge(other.binConfidence[b]);
        }
        return this;
    }

    public int topK() {
        return topK;
    }

    public long rows() {
        return rows;
    }

    /** NaN without rows. */
    public double accuracy() {
        return (double) correct / rows;
    }

    public double topKAccuracy() {
        return (double) topKCorrect / rows;
    }

    public double meanEntropy() {
        return entropySum.value() / rows;
    }

    /** The expected calibration error; NaN without rows. */
    public double expectedCalibrationError() {
        if (rows == 0) {
            return Double.NaN;
        }
        double ece = 0.0;
        for (int b = 0; b < BINS; b++) {
            if (binRows[b] > 0) {
                double accuracy = (double) binCorrect[b] / binRows[b];
                double confidence = binConfidence[b].value() / binRows[b];
                ece += (double) binRows[b] / rows * Math.abs(accuracy - confidence);
            }
        }
        return ece;
    }

    /** Rows, correct rows and mean confidence of bin {@code b}, for reliability diagrams. */
    public long binRows(int b) {
        return binRows[b];
    }

    public long binCorrect(int b) {
        return binCorrect[b];
    }

    public double binMeanConfidence(int b) {
        return binConfidence[b].value() / binRows[b];
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(topK);
        out.writeLong(rows);
        out.writeLong(correct);
        out.writeLong(topKCorrect);
        entropySum.writeTo(out);
        for (int b = 0; b < BINS; b++) {
            out.writeLong(binRows[b]);
            out.writeLong(binCorrect[b]);
            binConfidence[b].writeTo(out);
        }
    }

    static ClassificationStats readFrom(DataInput in) throws IOException {
        ClassificationStats s = new ClassificationStats(in.readInt());
        s.rows = in.readLong();
        s.correct = in.readLong();
        s.topKCorrect = in.readLong();
        s.entropySum = ExactSum.readFrom(in);
        for (int b = 0; b < BINS; b++) {
            s.binRows[b] = in.readLong();
            s.binCorrect[b] = in.readLong();
            s.binConfidence[b] = FixedPointSum.readFrom(in);
        }
        return s;
    }
}
