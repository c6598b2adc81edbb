package dev.xent.spark;

import dev.xent.core.LossState;
import java.io.Serializable;

/**
 * What the aggregate returns for a set of rows (a Spark struct through a bean encoder): PyTorch's mean and sum of
 * those rows as one batch, the normalizer of the mean, and the row counts ({@code rows = scored + ignored +
 * rejected}; {@code nonFinite} counts scored rows whose loss is NaN or infinite). Non-finite values are kept as
 * they are (a NaN mean stays NaN).
 */
public final class LossSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private double mean;
    private double sum;
    private double weightSum;
    private long rows;
    private long scored;
    private long ignored;
    private long rejected;
    private long nonFinite;

    public LossSummary() {
    }

    /** The summary of a state. */
    public static LossSummary of(LossState state) {
        LossSummary s = new LossSummary();
        s.mean = state.mean();
        s.sum = state.sum();
        s.weightSum = state.weightSum();
        s.rows = state.rows();
        s.scored = state.scored();
        s.ignored = state.ignored();
        s.rejected = state.rejected();
        s.nonFinite = state.nonFinite();
        return s;
    }

    public double getMean() {
        return mean;
    }

    public void setMean(double mean) {
        this.mean = mean;
    }

    public double getSum() {
        return sum;
    }

    public void setSum(double sum) {
        this.sum = sum;
    }

    public double getWeightSum() {
        return weightSum;
    }

    public void setWeightSum(double weightSum) {
        this.weightSum = weightSum;
    }

    public long getRows() {
        return rows;
    }

    public void setRows(long rows) {
        this.rows = rows;
    }

    public long getScored() {
        return scored;
    }

    public void setScored(long scored) {
        this.scored = scored;
    }

    public long getIgnored() {
        return ignored;
    }

    public void setIgnored(long ignored) {
        this.ignored = ignored;
    }

    public long getRejected() {
        return rejected;
    }

    public void setRejected(long rejected) {
        this.rejected = rejected;
    }

    public long getNonFinite() {
        return nonFinite;
    }

    public void setNonFinite(long nonFinite) {
        this.nonFinite = nonFinite;
    }
}
