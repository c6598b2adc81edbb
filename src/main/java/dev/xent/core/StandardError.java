package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exact sums behind the standard error of the mean loss: {@code Σ l²}, {@code Σ l·w} and {@code Σ w²} over the
 * scored rows ({@code l} a row's loss, {@code w} its share of the normalizer). The mean is a ratio
 * {@code R = Σ l / Σ w}; its standard error by the delta method is
 * {@code sqrt(n/(n-1) · Σ (l - R·w)²) / |Σ w|}, with the sum of squares expanded into these three sums and combined
 * exactly, so rows of nearly equal loss lose nothing to cancellation. Fewer than two rows, a zero weight sum, or a
 * non-finite loss give NaN. Shown at the top level beside the mean, for every kind of row (tokens, for sequences).
 */
public final class StandardError extends FigureBase<StandardError> {
    private static final long serialVersionUID = 1L;
    static final String ID = "standard_error";

    private ExactSum squares = new ExactSum();
    private ExactSum products = new ExactSum();
    private ExactSum weightSquares = new ExactSum();

    public StandardError() {
        super(ID, "", Rows.ALL);
    }

    @Override
    public Figure zero() {
        return new StandardError();
    }

    /** Adds one scored row: its loss and its share of the normalizer. */
    @Override
    void addRow(ScoredRow row) {
        double loss = row.loss();
        double weight = row.weight();
        squares.add(loss * loss);
        products.add(loss * weight);
        weightSquares.add(weight * weight);
    }

    @Override
    void mergeSame(StandardError o) {
        squares.merge(o.squares);
        products.merge(o.products);
        weightSquares.merge(o.weightSquares);
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("standard_error", standardError(total.mean(), total.scored(), total.weightSum()));
        return v;
    }

    /** The standard error of {@code mean} over {@code n} rows whose weights sum to {@code weightSum}. */
    public double standardError(double mean, long n, double weightSum) {
        if (n < 2 || !(weightSum != 0) || Double.isNaN(mean) || Double.isInfinite(mean)) {
            return Double.NaN;
        }
        BigDecimal l2 = squares.exactValue();
        BigDecimal lw = products.exactValue();
        BigDecimal w2 = weightSquares.exactValue();
        if (l2 == null || lw == null || w2 == null) {
            return Double.NaN;
        }
        BigDecimal r = new BigDecimal(mean);
        BigDecimal residual = l2.subtract(r.multiply(lw).multiply(BigDecimal.valueOf(2))).add(r.multiply(r).multiply(w2));
        double variance = Math.max(0.0, residual.doubleValue()) * n / (n - 1.0);
        return Math.sqrt(variance) / Math.abs(weightSum);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        squares.writeTo(out);
        products.writeTo(out);
        weightSquares.writeTo(out);
    }

    static StandardError readFrom(DataInput in) throws IOException {
        StandardError s = new StandardError();
        s.squares = ExactSum.readFrom(in);
        s.products = ExactSum.readFrom(in);
        s.weightSquares = ExactSum.readFrom(in);
        return s;
    }

}
