package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A per-target-class breakdown, mergeable and order-independent: for each class that occurs as a target of a
 * scored row, the number of rows and the sum of their losses ({@link FixedPointSum}). Sparse: a state holds only
 * the classes it saw. A class's mean is its loss sum over its rows' weight sum ({@code rows · w_c}), PyTorch's mean
 * of those rows alone (NaN for a class of weight 0 with a zero sum, ±inf with a non-zero one); a NaN loss makes
 * its class's sum and mean NaN. Shown as the top-level list {@code per_class}.
 */
public final class PerClassStats extends FigureBase<PerClassStats> {
    private static final long serialVersionUID = 1L;
    static final String ID = "per_class";

    private final TreeMap<Integer, long[]> rows = new TreeMap<>();
    private final TreeMap<Integer, FixedPointSum> sums = new TreeMap<>();

    public PerClassStats() {
        super(ID, "", Rows.CLASS_INDEX);
    }

    @Override
    public Figure zero() {
        return new PerClassStats();
    }

    @Override
    void addRow(ScoredRow row) {
        int target = row.target();
        rows.computeIfAbsent(target, c -> new long[1])[0]++;
        sums.computeIfAbsent(target, c -> new FixedPointSum()).add(clamp(row.loss()));
    }

    /** Losses beyond FixedPointSum's range are kept as infinities (they dominate any sum anyway). */
    private static double clamp(double loss) {
        return Math.abs(loss) < 0x1p61 ? loss : (loss > 0 ? Double.POSITIVE_INFINITY
                : loss < 0 ? Double.NEGATIVE_INFINITY : loss);
    }

    @Override
    void mergeSame(PerClassStats o) {
        o.rows.forEach((c, n) -> rows.computeIfAbsent(c, k -> new long[1])[0] += n[0]);
        o.sums.forEach((c, s) -> sums.computeIfAbsent(c, k -> new FixedPointSum()).merge(s));
    }

    /** The classes seen, in order, with their row counts. */
    public Map<Integer, Long> rowsByClass() {
        Map<Integer, Long> out = new TreeMap<>();
        rows.forEach((c, n) -> out.put(c, n[0]));
        return out;
    }

    public double lossSum(int target) {
        FixedPointSum s = sums.get(target);
        return s == null ? 0.0 : s.value();
    }

    /** The mean loss of class {@code target}'s rows: their loss sum over {@code rows · w_target}. */
    public double mean(int target, CrossEntropyOptions options) {
        long n = rows.containsKey(target) ? rows.get(target)[0] : 0;
        return lossSum(target) / (n * options.weightOf(target));
    }

    @Override
    public Map<String, Object> values(LossState total) {
        List<Map<String, Object>> classes = new ArrayList<>();
        rows.forEach((target, n) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("class", target);
            c.put("rows", n[0]);
            c.put("sum", lossSum(target));
            c.put("mean", mean(target, total.options()));
            classes.add(c);
        });
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("per_class", classes);
        return v;
    }

    /** How many of the best and of the worst classes the report shows. */
    private static final int SHOWN = 10;

    /**
     * The best and worst {@value #SHOWN} classes by mean loss (ties by class), as a table and a bar chart; none
     * without classes.
     */
    @Override
    public List<Chart> charts(LossState total) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<double[]> classes = new ArrayList<>();
        rows.forEach((c, n) -> classes.add(new double[] {c, n[0], mean(c, total.options())}));
        classes.sort(java.util.Comparator.comparingDouble((double[] a) -> a[2]).thenComparingDouble(a -> a[0]));
        int k = Math.min(SHOWN, classes.size());
        List<double[]> shown = new ArrayList<>(classes.subList(0, k));
        shown.addAll(classes.subList(Math.max(k, classes.size() - k), classes.size()));
        double max = 1e-12;
        List<Chart.Bar> bars = new ArrayList<>();
        List<List<Object>> table = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            double[] c = shown.get(i);
            long target = (long) c[0];
            if (!Double.isNaN(c[2]) && !Double.isInfinite(c[2])) {
                max = Math.max(max, c[2]);
            }
            bars.add(new Chart.Bar(0, 0, c[2], "class " + target, "class " + target + ": mean " + c[2] + " over "
                    + (long) c[1] + " rows", i < k ? Chart.Tone.GOOD : Chart.Tone.BAD));
            table.add(List.of(target, (long) c[1], c[2]));
        }
        return List.of(new Chart("per-class-chart", "Classes: best and worst by mean loss", Chart.Kind.ROWS, 560,
                18 * shown.size(), "mean loss", "class", 0, max, max, Chart.evenTicks(max, false), List.of(), bars,
                false, List.of(new Chart.Table("per-class", List.of("class", "rows", "mean loss"), table)), ""));
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(rows.size());
        for (Map.Entry<Integer, long[]> e : rows.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue()[0]);
            sums.get(e.getKey()).writeTo(out);
        }
    }

    static PerClassStats readFrom(DataInput in) throws IOException {
        PerClassStats s = new PerClassStats();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            int c = in.readInt();
            s.rows.put(c, new long[] {in.readLong()});
            s.sums.put(c, FixedPointSum.readFrom(in));
        }
        return s;
    }
}
