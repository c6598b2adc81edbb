package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss and the row counts, as a figure: the exact sum of the target terms of the scored rows' losses, the exact
 * sum of their smoothing terms (zero without label smoothing), the exact sum of the normalizer (each scored row's
 * {@link ScoredRow#weight()}), and the counts: {@code scored}, {@code ignored}, {@code rejected}, {@code nonFinite}
 * (scored rows whose loss is NaN or infinite) and {@code nonFiniteInputs}. Every state holds it; its section comes
 * first in the byte form, under the id {@value #ID}.
 *
 * <p>{@link #sum} and {@link #mean} are PyTorch's reductions and need the state's target kind and smoothing flag
 * (see {@link LossState}): a NaN or opposite infinities among the losses give NaN; no scored rows give a sum of
 * {@code +0.0} ({@code -0.0} for probability targets) and a NaN mean.
 */
public final class LossAndCounts extends FigureBase<LossAndCounts> {
    private static final long serialVersionUID = 1L;
    static final String ID = "loss";

    private ExactSum lossSum = new ExactSum();
    private ExactSum smoothingSum = new ExactSum();
    private ExactSum normalizer = new ExactSum();
    private long scored;
    private long ignored;
    private long rejected;
    private long nonFinite;
    private long nonFiniteInputs;

    public LossAndCounts() {
        super(ID, "", Rows.ALL);
    }

    @Override
    public Figure zero() {
        return new LossAndCounts();
    }

    /** Adds one scored row: its two loss terms and its share of the normalizer. */
    @Override
    void addRow(ScoredRow row) {
        double loss = row.loss();
        scored++;
        if (Double.isNaN(loss) || Double.isInfinite(loss)) {
            nonFinite++;
        }
        lossSum.add(row.targetTerm());
        smoothingSum.add(row.smoothingTerm()); // adding a zero changes nothing, so no smoothing leaves it empty
        normalizer.add(row.weight());
    }

    void addIgnored() {
        ignored++;
    }

    void addRejected() {
        rejected++;
    }

    void addNonFiniteInput() {
        nonFiniteInputs++;
    }

    @Override
    void mergeSame(LossAndCounts o) {
        lossSum.merge(o.lossSum);
        smoothingSum.merge(o.smoothingSum);
        normalizer.merge(o.normalizer);
        scored += o.scored;
        ignored += o.ignored;
        rejected += o.rejected;
        nonFinite += o.nonFinite;
        nonFiniteInputs += o.nonFiniteInputs;
    }

    /** PyTorch's {@code reduction='sum'} for rows of this target kind, with or without a separate smoothing term. */
    double sum(LossState.Targets targets, boolean smoothed) {
        double s = smoothed ? lossSum.value() + smoothingSum.value() : lossSum.value();
        if (s == 0.0 && targets == LossState.Targets.PROBABILITIES) {
            return -0.0;
        }
        return s;
    }

    /** PyTorch's {@code reduction='mean'}: with smoothing {@code A / W + B / W}, else {@code sum / W}. */
    double mean(LossState.Targets targets, boolean smoothed) {
        double w = normalizer.value();
        if (smoothed) {
            return lossSum.value() / w + smoothingSum.value() / w;
        }
        return sum(targets, smoothed) / w;
    }

    double weightSum() {
        return normalizer.value();
    }

    long scored() {
        return scored;
    }

    long ignored() {
        return ignored;
    }

    long rejected() {
        return rejected;
    }

    long nonFinite() {
        return nonFinite;
    }

    long nonFiniteInputs() {
        return nonFiniteInputs;
    }

    /**
     * {@code mean}, {@code sum}, {@code rows}, {@code scored}, {@code ignored}, {@code weight_sum}, in the order they
     * are shown (see {@link LossState}'s accessors for NaN and empty input).
     */
    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mean", total.mean());
        v.put("sum", total.sum());
        v.put("rows", total.rows());
        v.put("scored", total.scored());
        v.put("ignored", total.ignored());
        v.put("weight_sum", total.weightSum());
        return v;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(scored);
        out.writeLong(ignored);
        out.writeLong(rejected);
        out.writeLong(nonFinite);
        out.writeLong(nonFiniteInputs);
        lossSum.writeTo(out);
        smoothingSum.writeTo(out);
        normalizer.writeTo(out);
    }

    static LossAndCounts readFrom(DataInput in) throws IOException {
        LossAndCounts f = new LossAndCounts();
        f.scored = in.readLong();
        f.ignored = in.readLong();
        f.rejected = in.readLong();
        f.nonFinite = in.readLong();
        f.nonFiniteInputs = in.readLong();
        f.lossSum = ExactSum.readFrom(in);
        f.smoothingSum = ExactSum.readFrom(in);
        f.normalizer = ExactSum.readFrom(in);
        return f;
    }
}
