package dev.xent.spark;

import java.io.Serializable;

/** One row of the SQL aggregate {@code xent_agg_probs(logits, probabilities)}; see {@link SqlIndexRow}. */
public final class SqlProbabilityRow implements Serializable, SqlLossAggregator.Input {
    private static final long serialVersionUID = 1L;

    private Double[] logits;
    private Double[] probabilities;

    public Double[] getLogits() {
        return logits;
    }

    public void setLogits(Double[] logits) {
        this.logits = logits;
    }

    public Double[] getProbabilities() {
        return probabilities;
    }

    public void setProbabilities(Double[] probabilities) {
        this.probabilities = probabilities;
    }

    @Override
    public Double[] logitValues() {
        return logits;
    }

    @Override
    public Double[] probabilityValues() {
        return probabilities;
    }

    @Override
    public Long classIndex() {
        return null;
    }
}
