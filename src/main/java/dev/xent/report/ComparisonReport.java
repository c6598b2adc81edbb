package dev.xent.report;

import dev.xent.core.ComparisonResult;
import dev.xent.core.PairHistograms;
import dev.xent.core.PairedComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html} for {@code xent compare}: one self-contained page (inline SVG, no script, nothing fetched)
 * with the comparison's figures in a table (numbers to 5 significant digits; full precision is in
 * comparison.json), the difference with its 95 % interval for all rows and each group (a forest plot), the
 * histogram of per-row loss differences (symmetric log bins), and baseline against candidate loss as a binned 2-D
 * histogram on log-log axes (shade by log count; never one point per row). Non-finite figures show as text and are
 * left out of the plots.
 */
public final class ComparisonReport {
    private static final int WIDTH = 640;

    private ComparisonReport() {
    }

    public static String of(ComparisonResult result, Map<String, Object> inputs) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>xent compare</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}")
                .append("td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}th:first-child,")
                .append("td:first-child{text-align:left}svg{font-size:11px}</style></head><body>")
                .append("<h1>xent compare</h1><p>").append(escape(String.valueOf(inputs))).append("</p>");
        h.append("<h2>Figures</h2><table><tr><th>rows</th><th>compared</th><th>baseline mean</th>")
                .append("<th>candidate mean</th><th>difference</th><th>standard error</th><th>95% interval</th>")
                .append("<th>p</th><th>wins / ties / losses</th></tr>");
        List<String> labels = new ArrayList<>();
        List<PairedComparison> rows = new ArrayList<>();
        labels.add("all");
        rows.add(result.total());
        for (ComparisonResult.Group g : result.groups()) {
            labels.add(g.key().toString());
            rows.add(g.comparison());
        }
        for (int i = 0; i < rows.size(); i++) {
            PairedComparison p = rows.get(i);
            double[] ci = p.ci95();
            h.append("<tr><td>").append(escape(labels.get(i))).append("</td><td>").append(p.rows()).append("</td><td>")
                    .append(num(p.baselineMean())).append("</td><td>").append(num(p.candidateMean())).append("</td><td>")
                    .append(num(p.difference())).append("</td><td>").append(num(p.standardError())).append("</td><td>[")
                    .append(num(ci[0])).append(", ").append(num(ci[1])).append("]</td><td>").append(num(p.pValue()))
                    .append("</td><td>").append(p.wins()).append(" / ").append(p.ties()).append(" / ")
                    .append(p.losses()).append("</td></tr>");
        }
        h.append("</table><p>Not compared: ").append(escape(result.counts().toString())).append("</p>");
        h.append("<h2>Difference (candidate &minus; baseline) with its 95% interval</h2>").append(forest(labels, rows));
        PairHistograms hist = result.total().histograms();
        h.append("<h2>Per-row loss differences</h2>").append(differenceHistogram(hist.differences()));
        h.append("<h2>Baseline against candidate loss (rows per cell)</h2>").append(pairGrid(hist.pairs()));
        return h.append("</body></html>\n").toString();
    }

    private static String forest(List<String> labels, List<PairedComparison> rows) {
        double lo = 0;
        double hi = 0;
        for (PairedComparison p : rows) {
            for (double v : p.ci95()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        int left = 160;
        int plot = WIDTH - left - 20;
        int rowHeight = 22;
        int height = rowHeight * rows.size() + 40;
        StringBuilder s = new StringBuilder("<svg width=\"" + WIDTH + "\" height=\"" + height + "\" role=\"img\">");
        double span = hi - lo;
        double[] range = {lo - 0.05 * span, hi + 0.05 * span};
        for (double t : ticks(range[0], range[1])) {
            double x = left + plot * (t - range[0]) / (range[1] - range[0]);
            s.append(line(x, 5, x, height - 30, t == 0 ? "#000" : "#eee"))
                    .append(text(x, height - 15, num(t), "middle"));
        }
        double zero = left + plot * (0 - range[0]) / (range[1] - range[0]);
        s.append(line(zero, 5, zero, height - 30, "#000"));
        for (int i = 0; i < rows.size(); i++) {
            PairedComparison p = rows.get(i);
            double y = 15 + i * rowHeight;
            s.append(text(left - 8, y + 4, labels.get(i), "end"));
            double[] ci = p.ci95();
            if (Double.isFinite(ci[0]) && Double.isFinite(ci[1])) {
                s.append(line(left + plot * (ci[0] - range[0]) / (range[1] - range[0]), y,
                        left + plot * (ci[1] - range[0]) / (range[1] - range[0]), y, "#36c"));
            }
            if (Double.isFinite(p.difference())) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#036\"/>",
                        left + plot * (p.difference() - range[0]) / (range[1] - range[0]), y));
            }
        }
        s.append(text(left + plot / 2.0, height - 2, "difference of mean loss (negative: the candidate is better)",
                "middle"));
        return s.append("</svg>").toString();
    }

    private static String differenceHistogram(long[] counts) {
        int left = 50;
        int plot = WIDTH - left - 10;
        int height = 220;
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        double bar = plot / (double) counts.length;
        StringBuilder s = new StringBuilder("<svg width=\"" + WIDTH + "\" height=\"" + (height + 40) + "\" role=\"img\">");
        for (long t : countTicks(max)) {
            double y = height - height * t / (double) max;
            s.append(line(left, y, left + plot, y, "#eee")).append(text(left - 4, y + 4, Long.toString(t), "end"));
        }
        for (int i = 0; i < counts.length; i++) {
            double h = height * counts[i] / (double) max;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"#36c\"><title>%d rows</title></rect>", left + i * bar, height - h, Math.max(bar - 1, 1), h,
                    counts[i]));
        }
        int middle = counts.length / 2;
        String[] marks = {"-100", "-1", "-0.01", "-1e-4", "0", "1e-4", "0.01", "1", "100"};
        int[] decades = {2, 0, -2, -4, 99, -4, -2, 0, 2};
        for (int k = 0; k < marks.length; k++) {
            int bin = decades[k] == 99 ? middle : (k < 4 ? middle - 1 - offset(decades[k]) : middle + 1 + offset(decades[k]));
            double x = left + (bin + (decades[k] == 99 ? 0.5 : k < 4 ? 1 : 0)) * bar;
            s.append(line(x, height, x, height + 5, "#000")).append(text(x, height + 17, marks[k], "middle"));
        }
        s.append(line(left, height, left + plot, height, "#000"))
                .append(text(left + plot / 2.0, height + 34, "candidate loss - baseline loss, per row (symmetric log "
                        + "scale; |d| < 1e-6 in the middle bar)", "middle"));
        return s.append("</svg>").toString();
    }

    private static int offset(int decade) {
        return (decade - PairHistograms.LOW_DECADE) * PairHistograms.PER_DECADE;
    }

    private static String pairGrid(long[] counts) {
        int n = PairHistograms.LOSS_BINS;
        int left = 60;
        int size = 400;
        double cell = size / (double) n;
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        StringBuilder s = new StringBuilder("<svg width=\"" + (left + size + 20) + "\" height=\"" + (size + 50)
                + "\" role=\"img\">");
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < n; c++) {
                long v = counts[b * n + c];
                if (v == 0) {
                    continue;
                }
                double shade = 0.15 + 0.85 * Math.log1p(v) / Math.log1p(max);
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"#036\" fill-opacity=\"%.3f\"><title>%d rows</title></rect>", left + b * cell,
                        size - (c + 1) * cell, cell, cell, shade, v));
            }
        }
        s.append(line(left, size, left + size, 0, "#c33"));
        for (int decade = PairHistograms.LOW_DECADE; decade <= PairHistograms.HIGH_DECADE; decade += 2) {
            double at = (1 + offset(decade)) * cell;
            String label = "1e" + decade;
            s.append(line(left + at, size, left + at, size + 5, "#000")).append(text(left + at, size + 17, label, "middle"))
                    .append(line(left - 5, size - at, left, size - at, "#000"))
                    .append(text(left - 8, size - at + 4, label, "end"));
        }
        s.append(line(left, size, left + size, size, "#000")).append(line(left, 0, left, size, "#000"))
                .append(text(left + size / 2.0, size + 34, "baseline loss (log scale; below 1e-6 in the first column)",
                        "middle"))
                .append("<text x=\"12\" y=\"" + size / 2 + "\" transform=\"rotate(-90 12 " + size / 2
                        + ")\" text-anchor=\"middle\">candidate loss (log scale)</text>");
        return s.append("</svg><p>Below the red diagonal the candidate's loss is lower.</p>").toString();
    }

    private static List<Double> ticks(double lo, double hi) {
        double step = Math.pow(10, Math.floor(Math.log10((hi - lo) / 4)));
        if ((hi - lo) / step > 10) {
            step *= 2;
        }
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return out;
    }

    private static List<Long> countTicks(long max) {
        long step = Math.max(1, (long) Math.pow(10, Math.floor(Math.log10(max / 2.0))));
        List<Long> out = new ArrayList<>();
        for (long t = 0; t <= max; t += step) {
            out.add(t);
        }
        return out;
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x1, y1,
                x2, y2, color);
    }

    private static String text(double x, double y, String t, String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
                escape(t));
    }

    /** 5 significant digits, or the text of a non-finite value. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        }
        String text = String.format(Locale.ROOT, "%.5g", v);
        int e = text.indexOf('e');
        String mantissa = e < 0 ? text : text.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "");
            mantissa = mantissa.endsWith(".") ? mantissa.substring(0, mantissa.length() - 1) : mantissa;
        }
        return mantissa + (e < 0 ? "" : text.substring(e));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
