package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The multi-class Brier score: per row {@code Σ_c (p_c − y_c)²} with {@code p_c = exp(lsm_c)} the predicted
 * probabilities and {@code y} the one-hot target (class-index rows) or the target probabilities as given; over the
 * dataset, the mean with the loss's weight and ignore rules: {@code Σ w·b / Σ w} over the scored rows, {@code w} the
 * target-class weight (1 without weights, 1 per row for probability targets); ignored and rejected rows add
 * nothing; label smoothing leaves {@code y} as it is. Both sums are exact. A NaN or {@code +inf} logit makes its row's score and the mean NaN; no scored rows,
 * or a zero weight sum with a zero score sum, give NaN; a zero weight sum with a non-zero score sum gives ±inf.
 */
public final class Brier extends FigureBase<Brier> {
    private static final long serialVersionUID = 1L;
    static final String ID = "brier";

    private ExactSum weightedScores = new ExactSum();
    private ExactSum weights = new ExactSum();

    public Brier() {
        super(ID, "metrics", Rows.NOT_SEQUENCES);
    }

    @Override
    public Figure zero() {
        return new Brier();
    }

    @Override
    void addRow(ScoredRow row) {
        double[] lsm = row.logProbabilities();
        double[] target = row.probabilities();
        double score = 0.0;
        for (int c = 0; c < lsm.length; c++) {
            double y = target != null ? target[c] : c == row.target() ? 1.0 : 0.0;
            double d = Math.exp(lsm[c]) - y;
            score += d * d;
        }
        weightedScores.add(row.weight() * score);
        weights.add(row.weight());
    }

    @Override
    void mergeSame(Brier o) {
        weightedScores.merge(o.weightedScores);
        weights.merge(o.weights);
    }

    /** The weighted mean score (see the class notes). */
    public double brier() {
        return weightedScores.value() / weights.value();
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        weightedScores.writeTo(out);
        weights.writeTo(out);
    }

    static Brier readFrom(DataInput in) throws IOException {
        Brier b = new Brier();
        b.weightedScores = ExactSum.readFrom(in);
        b.weights = ExactSum.readFrom(in);
        return b;
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("brier", brier());
        return v;
    }
}
