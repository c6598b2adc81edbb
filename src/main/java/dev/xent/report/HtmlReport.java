package dev.xent.report;

import dev.xent.core.CalibrationBins;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.Figure;
import dev.xent.core.LossHistogram;
import dev.xent.core.LossState;
import dev.xent.core.PerClassStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched): the summary, a
 * histogram of per-row losses with approximate quantiles, the best and worst classes by mean loss with a bar chart,
 * a table of every number of the figures in the {@code metrics} block (whatever figures are registered), a
 * per-group table with standard errors, and a reliability diagram with its expected calibration error. Sections
 * whose figures were not gathered are left out. Every piece of text from the data or the options (paths, column
 * names, group keys) is HTML-escaped.
 */
public final class HtmlReport {
    private static final int SHOWN_CLASSES = 10;
    private static final double[] QUANTILES = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99};

    private final StringBuilder html = new StringBuilder(32_768);

    private HtmlReport() {
    }

    /** The page for a result. */
    public static String of(EvaluationResult result, CrossEntropyOptions options, Map<String, Object> input,
            Map<String, Object> columns) {
        HtmlReport r = new HtmlReport();
        r.page(result, options, input, columns);
        return r.html.toString();
    }

    /** HTML-escapes text (for element content and attribute values). */
    public static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '&':
                    b.append("&amp;");
                    break;
                case '"':
                    b.append("&quot;");
                    break;
                case '\'':
                    b.append("&#39;");
                    break;
                default:
                    b.append(c);
            }
        }
        return b.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        return Double.toString(v);
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private void page(EvaluationResult result, CrossEntropyOptions options, Map<String, Object> input,
            Map<String, Object> columns) {
        LossState total = result.total();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>xent report: ").append(escape(input.get("path"))).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;")
                .append("padding:.25em .6em;text-align:right}th{background:#f3f3f3}td.k,th.k{text-align:left}")
                .append("h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}svg{background:#fafafa;")
                .append("border:1px solid #ddd}.note{color:#666;font-size:.9em}</style></head><body>\n");
        html.append("<h1>xent report</h1><p class=\"note\">Input <code>").append(escape(input.get("path")))
                .append("</code> (").append(escape(input.get("format"))).append("). PyTorch's cross-entropy over ")
                .append("every row as one batch.</p>\n");
        summary(result, options, columns);
        histogram(total.histogram());
        perClass(total.perClass(), options);
        figures(total);
        groups(result);
        reliability((CalibrationBins) total.figure("calibration"));
        html.append("</body></html>\n");
    }

    private void row(String key, String value) {
        html.append("<tr><th class=\"k\">").append(escape(key)).append("</th><td>").append(escape(value))
                .append("</td></tr>");
    }

    private void summary(EvaluationResult result, CrossEntropyOptions options, Map<String, Object> columns) {
        LossState s = result.total();
        html.append("<h2>Summary</h2><table id=\"summary\">");
        row("mean", num(s.mean()));
        row("sum", num(s.sum()));
        row("perplexity (exp mean)", num(Math.exp(s.mean())));
        row("standard error of the mean", num(s.standardError()));
        row("rows", Long.toString(s.rows()));
        row("scored", Long.toString(s.scored()));
        row("ignored", Long.toString(s.ignored()));
        row("rejected", Long.toString(s.rejected()));
        row("non-finite losses", Long.toString(s.nonFinite()));
        row("weight sum", num(s.weightSum()));
        row("classes", Integer.toString(result.classes()));
        html.append("</table><h2>Options</h2><table id=\"options\">");
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            row(e.getKey(), String.valueOf(e.getValue()));
        }
        row("weight", options.hasWeight() ? java.util.Arrays.toString(options.weight()) : "none");
        row("ignore_index", Long.toString(options.ignoreIndex()));
        row("label_smoothing", num(options.labelSmoothing()));
        row("input kind", options.inputKind().name().toLowerCase(Locale.ROOT));
        html.append("</table>\n");
    }

    private void histogram(LossHistogram h) {
        if (h == null || h.finiteCount() == 0) {
            return;
        }
        int first = 0;
        int last = h.bins() - 1;
        while (h.count(first) == 0) {
            first++;
        }
        while (h.count(last) == 0) {
            last--;
        }
        long max = 1;
        for (int b = first; b <= last; b++) {
            max = Math.max(max, h.count(b));
        }
        int width = 900;
        int height = 260;
        int bars = last - first + 1;
        double barWidth = (width - 60.0) / bars;
        html.append("<h2>Loss per row</h2><svg id=\"loss-histogram\" width=\"").append(width)
                .append("\" height=\"").append(height + 40).append("\" role=\"img\" aria-label=\"histogram of ")
                .append("per-row loss\">");
        for (int b = first; b <= last; b++) {
            double barHeight = (double) h.count(b) / max * height;
            html.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78b5\">"
                    + "<title>%s to %s: %d rows</title></rect>", 50 + (b - first) * barWidth, height - barHeight + 10,
                    Math.max(1, barWidth - 1), barHeight, num(LossHistogram.lowerEdge(b)),
                    num(LossHistogram.upperEdge(b)), h.count(b)));
        }
        for (int b = first; b <= last + 1; b++) {
            double edge = LossHistogram.lowerEdge(b);
            if (b == 0 || (b - 1) % LossHistogram.PER_DECADE == 0) {
                html.append(fmt("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                        50 + (b - first) * barWidth, height + 28, b == 0 ? "0" : fmt("%.0e", edge)));
            }
        }
        html.append(fmt("<text x=\"5\" y=\"20\" font-size=\"11\">%d</text>", max)).append("</svg>");
        html.append("<p class=\"note\">Log-spaced bins, ").append(LossHistogram.PER_DECADE)
                .append(" per decade; ").append(h.nonFinite()).append(" non-finite losses not shown.</p>");
        html.append("<table id=\"quantiles\"><tr><th class=\"k\">quantile (approximate)</th>");
        for (double q : QUANTILES) {
            html.append("<th>").append(fmt("%.0f%%", q * 100)).append("</th>");
        }
        html.append("</tr><tr><th class=\"k\">loss</th>");
        for (double q : QUANTILES) {
            html.append("<td>").append(fmt("%.4g", h.quantile(q))).append("</td>");
        }
        html.append("</tr></table>\n");
    }

    private void perClass(PerClassStats p, CrossEntropyOptions options) {
        if (p == null || p.rowsByClass().isEmpty()) {
            return;
        }
        List<double[]> classes = new ArrayList<>();
        p.rowsByClass().forEach((c, n) -> classes.add(new double[] {c, n, p.lossSum(c) / (n * options.weightOf(c))}));
        classes.sort(Comparator.comparingDouble((double[] a) -> a[2]).thenComparingDouble(a -> a[0]));
        List<double[]> shown = new ArrayList<>();
        int k = Math.min(SHOWN_CLASSES, classes.size());
        shown.addAll(classes.subList(0, k));
        for (double[] c : classes.subList(Math.max(k, classes.size() - k), classes.size())) {
            shown.add(c);
        }
        html.append("<h2>Classes: best and worst by mean loss</h2><table id=\"per-class\"><tr><th>class</th>")
                .append("<th>rows</th><th>mean loss</th></tr>");
        for (double[] c : shown) {
            html.append(fmt("<tr><td>%d</td><td>%d</td><td>%s</td></tr>", (long) c[0], (long) c[1], num(c[2])));
        }
        html.append("</table>");
        double max = 1e-12;
        for (double[] c : shown) {
            if (!Double.isNaN(c[2]) && !Double.isInfinite(c[2])) {
                max = Math.max(max, c[2]);
            }
        }
        int rowHeight = 18;
        html.append("<svg id=\"per-class-chart\" width=\"700\" height=\"").append(shown.size() * rowHeight + 10)
                .append("\" role=\"img\" aria-label=\"mean loss per class\">");
        for (int i = 0; i < shown.size(); i++) {
            double[] c = shown.get(i);
            double w = Double.isNaN(c[2]) || Double.isInfinite(c[2]) ? 0 : Math.max(0, c[2]) / max * 560;
            html.append(fmt("<text x=\"5\" y=\"%d\" font-size=\"11\">class %d</text><rect x=\"90\" y=\"%d\" "
                    + "width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>class %d: mean %s over %d rows</title>"
                    + "</rect>", i * rowHeight + 17, (long) c[0], i * rowHeight + 5, w, rowHeight - 4,
                    i < k ? "#5a9e5a" : "#c0504d", (long) c[0], num(c[2]), (long) c[1]));
        }
        html.append("</svg>\n");
    }

    private void groups(EvaluationResult result) {
        if (result.groups().isEmpty()) {
            return;
        }
        html.append("<h2>Groups</h2><table id=\"groups\"><tr>");
        for (String column : result.groups().get(0).key().keySet()) {
            html.append("<th class=\"k\">").append(escape(column)).append("</th>");
        }
        html.append("<th>rows</th><th>mean</th><th>standard error</th><th>sum</th></tr>");
        for (EvaluationResult.Group g : result.groups()) {
            html.append("<tr>");
            for (Object v : g.key().values()) {
                html.append("<td class=\"k\">").append(escape(v)).append("</td>");
            }
            LossState s = g.state();
            html.append(fmt("<td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>", s.rows(), num(s.mean()),
                    num(s.standardError()), num(s.sum())));
        }
        html.append("</table>\n");
    }

    /** Every number of the figures shown in the {@code metrics} block, by name, whatever the figure. */
    private void figures(LossState total) {
        StringBuilder rows = new StringBuilder();
        for (Figure f : total.figures()) {
            if (!f.block().equals("metrics")) {
                continue;
            }
            f.values(total).forEach((name, v) -> {
                if (v instanceof Number) {
                    rows.append("<tr><th class=\"k\">").append(escape(name)).append("</th><td>")
                            .append(escape(v instanceof Double ? num((Double) v) : String.valueOf(v)))
                            .append("</td></tr>");
                }
            });
        }
        if (rows.length() > 0) {
            html.append("<h2>Metrics</h2><table id=\"metrics\">").append(rows).append("</table>\n");
        }
    }

    private void reliability(CalibrationBins c) {
        long binned = 0;
        for (int b = 0; c != null && b < CalibrationBins.BINS; b++) {
            binned += c.binRows(b);
        }
        if (binned == 0) {
            return;
        }
        int size = 360;
        html.append("<h2>Reliability</h2><p>Expected calibration error: <b id=\"ece\">")
                .append(num(c.expectedCalibrationError())).append("</b>.</p>");
        html.append("<svg id=\"reliability-diagram\" width=\"").append(size + 60).append("\" height=\"")
                .append(size + 50).append("\" role=\"img\" aria-label=\"reliability diagram\">");
        html.append(fmt("<line x1=\"40\" y1=\"%d\" x2=\"%d\" y2=\"10\" stroke=\"#999\" "
                + "stroke-dasharray=\"4\"/>", size + 10, size + 40));
        double binWidth = (double) size / CalibrationBins.BINS;
        for (int b = 0; b < CalibrationBins.BINS; b++) {
            if (c.binRows(b) == 0) {
                continue;
            }
            double accuracy = c.binAccuracy(b);
            html.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78b5\" "
                    + "fill-opacity=\"0.8\"><title>confidence %.2f-%.2f: accuracy %s, mean confidence %s, %d rows"
                    + "</title></rect>", 40 + b * binWidth, 10 + size * (1 - accuracy), binWidth - 1, size * accuracy,
                    (double) b / CalibrationBins.BINS, (double) (b + 1) / CalibrationBins.BINS, num(accuracy),
                    num(c.binMeanConfidence(b)), c.binRows(b)));
        }
        html.append(fmt("<text x=\"40\" y=\"%d\" font-size=\"11\">confidence 0</text><text x=\"%d\" y=\"%d\" "
                + "font-size=\"11\" text-anchor=\"end\">1</text><text x=\"5\" y=\"20\" font-size=\"11\">"
                + "accuracy 1</text>", size + 28, size + 40, size + 28));
        html.append("</svg>\n");
    }
}
