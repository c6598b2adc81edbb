package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration over the scored class-index rows: {@value #BINS} equal-width bins of confidence (the largest predicted
 * probability, {@code exp} of the largest log-probability), each with its row count, correct rows and exact
 * confidence sum; and the expected calibration error {@code Σ_b (n_b / n) |accuracy_b - confidence_b|}. A row
 * whose confidence is NaN goes to the first bin with a NaN confidence, making that bin's mean confidence and the
 * ECE NaN. No rows: an ECE of NaN, and every bin's accuracy and mean confidence NaN.
 */
public final class CalibrationBins extends FigureBase<CalibrationBins> {
    private static final long serialVersionUID = 1L;
    static final String ID = "calibration";

    /** The number of equal-width confidence bins. */
    public static final int BINS = 15;

    private long rows;
    private final long[] binRows = new long[BINS];
    private final long[] binCorrect = new long[BINS];
    private final FixedPointSum[] binConfidence = new FixedPointSum[BINS];

    public CalibrationBins() {
        super(ID, "metrics", Rows.CLASS_INDEX);
        for (int b = 0; b < BINS; b++) {
            binConfidence[b] = new FixedPointSum();
        }
    }

    @Override
    public Figure zero() {
        return new CalibrationBins();
    }

    @Override
    void addRow(ScoredRow row) {
        int argmax = row.argmax();
        boolean hit = argmax == row.target();
        double confidence = Math.exp(row.logProbabilities()[argmax]);
        int bin = Double.isNaN(confidence) ? 0 : Math.min(BINS - 1, Math.max(0, (int) (confidence * BINS)));
        rows++;
        binRows[bin]++;
        binCorrect[bin] += hit ? 1 : 0;
        binConfidence[bin].add(Double.isNaN(confidence) ? Double.NaN : Math.min(1.0, confidence));
    }

    @Override
    void mergeSame(CalibrationBins o) {
        rows += o.rows;
        for (int b = 0; b < BINS; b++) {
            binRows[b] += o.binRows[b];
            binCorrect[b] += o.binCorrect[b];
            binConfidence[b].merge(o.binConfidence[b]);
        }
    }

    /** The expected calibration error; NaN without rows. */
    public double expectedCalibrationError() {
        if (rows == 0) {
            return Double.NaN;
        }
        double ece = 0.0;
        for (int b = 0; b < BINS; b++) {
            if (binRows[b] > 0) {
                ece += (double) binRows[b] / rows * Math.abs(binAccuracy(b) - binMeanConfidence(b));
            }
        }
        return ece;
    }

    public long binRows(int b) {
        return binRows[b];
    }

    /** The share of bin {@code b}'s rows predicted right; NaN for an empty bin. */
    public double binAccuracy(int b) {
        return binRows[b] == 0 ? Double.NaN : (double) binCorrect[b] / binRows[b];
    }

    /** The mean confidence of bin {@code b}; NaN for an empty bin. */
    public double binMeanConfidence(int b) {
        return binRows[b] == 0 ? Double.NaN : binConfidence[b].value() / binRows[b];
    }

    /** The reliability diagram: one bar per bin with rows, its height the bin's accuracy; none without rows. */
    @Override
    public List<Chart> charts(LossState total) {
        List<Chart.Bar> bars = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (binRows[b] > 0) {
                bars.add(new Chart.Bar((double) b / BINS, (double) (b + 1) / BINS, binAccuracy(b), "",
                        String.format(java.util.Locale.ROOT, "confidence %.2f-%.2f: accuracy %s, mean confidence %s, "
                                + "%d rows", (double) b / BINS, (double) (b + 1) / BINS, binAccuracy(b),
                                binMeanConfidence(b), binRows[b]), Chart.Tone.PLAIN));
            }
        }
        if (bars.isEmpty()) {
            return List.of();
        }
        Chart.Table ece = new Chart.Table("ece", List.of("expected calibration error"),
                List.of(List.of(expectedCalibrationError())));
        return List.of(new Chart("reliability-diagram", "Reliability", Chart.Kind.COLUMNS, 360, 360,
                "confidence (largest predicted probability)", "accuracy", 0, 1, 1, Chart.evenTicks(1, false),
                Chart.evenTicks(1, false), bars, true, List.of(ece), ""));
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(BINS);
        out.writeLong(rows);
        for (int b = 0; b < BINS; b++) {
            out.writeLong(binRows[b]);
            out.writeLong(binCorrect[b]);
            binConfidence[b].writeTo(out);
        }
    }

    static CalibrationBins readFrom(DataInput in) throws IOException {
        int bins = in.readInt();
        if (bins != BINS) {
            throw new IOException("calibration state of " + bins + " bins; this xent reads " + BINS);
        }
        CalibrationBins c = new CalibrationBins();
        c.rows = in.readLong();
        for (int b = 0; b < BINS; b++) {
            c.binRows[b] = in.readLong();
            c.binCorrect[b] = in.readLong();
            c.binConfidence[b] = FixedPointSum.readFrom(in);
        }
        return c;
    }

    @Override
    public Map<String, Object> values(LossState total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("expected_calibration_error", expectedCalibrationError());
        List<Map<String, Object>> bins = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            Map<String, Object> bin = new LinkedHashMap<>();
            bin.put("from", (double) b / BINS);
            bin.put("to", (double) (b + 1) / BINS);
            bin.put("rows", binRows[b]);
            bin.put("accuracy", binAccuracy(b));
            bin.put("mean_confidence", binMeanConfidence(b));
            bins.add(bin);
        }
        v.put("calibration_bins", bins);
        return v;
    }
}
