package dev.xent.spark;

import java.io.Serializable;

/**
 * One row of the SQL aggregate {@code xent_agg(logits, target)}. Spark casts the arguments to these types
 * ({@code array<float>} widens exactly to {@code array<double>}); a boxed array keeps null elements visible, so a row
 * holding one is refused rather than read as 0. Properties bind by position in alphabetical order.
 */
public final class SqlIndexRow implements Serializable, SqlLossAggregator.Input {
    private static final long serialVersionUID = 1L;

    private Double[] logits;
    private Long target;

    public Double[] getLogits() {
        return logits;
    }

    public void setLogits(Double[] logits) {
        this.logits = logits;
    }

    public Long getTarget() {
        return target;
    }

    public void setTarget(Long target) {
        this.target = target;
    }

    @Override
    public Double[] logitValues() {
        return logits;
    }

    @Override
    public Double[] probabilityValues() {
        return null;
    }

    @Override
    public Long classIndex() {
        return target;
    }
}
