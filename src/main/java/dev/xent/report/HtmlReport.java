package dev.xent.report;

import dev.xent.core.Chart;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.Figure;
import dev.xent.core.LossState;
import dev.xent.core.Numbers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched): the summary (the
 * loss, the counts and the top-level figures), the options, one table per block of figures ({@code metrics},
 * {@code language_model}, ...) holding every number they report, every chart a gathered figure declares
 * ({@link Figure#charts}) with labelled, ticked axes, and a per-group table with each group mean's 95% interval drawn
 * beside it. It names no figure: whatever is registered is shown. Numbers are shown to {@value Numbers#DIGITS}
 * significant digits, each with its full value as a tooltip (summary.json keeps every digit). Every piece of text
 * from the data or the options (paths, column names, group keys) is HTML-escaped.
 */
public final class HtmlReport {
    /** Room left of and below a plot for the tick labels and the axis labels; room above it. */
    private static final int LEFT = 50;
    private static final int BELOW = 44;
    private static final int TOP = 10;
    /** Room for the bar labels of a {@link Chart.Kind#ROWS} chart, and each row's height. */
    private static final int ROW_LABELS = 90;
    private static final int ROW_HEIGHT = 18;
    private static final int INTERVAL_WIDTH = 200;

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
                .append("border:1px solid #ddd}td svg{background:none;border:0}.note{color:#666;font-size:.9em}")
                .append("</style></head><body>\n");
        html.append("<h1>xent report</h1><p class=\"note\">Input <code>").append(escape(input.get("path")))
                .append("</code> (").append(escape(input.get("format"))).append("). PyTorch's cross-entropy over ")
                .append("every row as one batch. Numbers to ").append(Numbers.DIGITS).append(" significant ")
                .append("digits; hover for every digit.</p>\n");
        summary(result, options, columns);
        blocks(total);
        for (Figure f : total.figures()) {
            for (Chart c : f.charts(total)) {
                chart(c);
            }
        }
        groups(result);
        html.append("</body></html>\n");
    }

    /** A table cell: numbers rounded, with their full value as a tooltip; anything else as escaped text. */
    private String cell(Object v, boolean key) {
        String cls = key ? " class=\"k\"" : "";
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return "<td" + cls + " title=\"" + num(d) + "\">" + Numbers.shortText(d) + "</td>";
        }
        return "<td" + cls + ">" + escape(v) + "</td>";
    }

    private void row(String key, Object value) {
        html.append("<tr><th class=\"k\">").append(escape(key)).append("</th>").append(cell(value, false))
                .append("</tr>");
    }

    private void summary(EvaluationResult result, CrossEntropyOptions options, Map<String, Object> columns) {
        LossState s = result.total();
        html.append("<h2>Summary</h2><table id=\"summary\">");
        s.values().forEach(this::row);
        row("perplexity (exp mean)", s.perplexity());
        for (Figure f : s.figures()) {
            if (f.block().isEmpty()) {
                f.values(s).forEach((name, v) -> {
                    if (v instanceof Number) {
                        row(name.replace('_', ' '), v);
                    }
                });
            }
        }
        row("rejected", s.rejected());
        row("non-finite losses", s.nonFinite());
        row("classes", result.classes());
        html.append("</table><h2>Options</h2><table id=\"options\">");
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            row(e.getKey(), String.valueOf(e.getValue()));
        }
        row("weight", options.hasWeight() ? java.util.Arrays.toString(options.weight()) : "none");
        row("ignore_index", options.ignoreIndex());
        row("label_smoothing", options.labelSmoothing());
        row("input kind", options.inputKind().name().toLowerCase(Locale.ROOT));
        html.append("</table>\n");
    }

    /** One table per block of figures (not the top level), holding every number its figures report. */
    private void blocks(LossState total) {
        Map<String, StringBuilder> tables = new LinkedHashMap<>();
        for (Figure f : total.figures()) {
            if (f.block().isEmpty()) {
                continue;
            }
            StringBuilder rows = tables.computeIfAbsent(f.block(), b -> new StringBuilder());
            f.values(total).forEach((name, v) -> {
                if (v instanceof Number) {
                    rows.append("<tr><th class=\"k\">").append(escape(name)).append("</th>").append(cell(v, false))
                            .append("</tr>");
                }
            });
        }
        tables.forEach((block, rows) -> {
            if (rows.length() > 0) {
                String title = block.replace('_', ' ');
                html.append("<h2>").append(escape(Character.toUpperCase(title.charAt(0)) + title.substring(1)))
                        .append("</h2><table id=\"").append(escape(block)).append("\">").append(rows)
                        .append("</table>\n");
            }
        });
    }

    private void table(Chart.Table t) {
        html.append("<table id=\"").append(escape(t.id())).append("\"><tr>");
        for (String h : t.header()) {
            html.append("<th>").append(escape(h)).append("</th>");
        }
        html.append("</tr>");
        for (List<Object> r : t.rows()) {
            html.append("<tr>");
            for (Object v : r) {
                html.append(cell(v, false));
            }
            html.append("</tr>");
        }
        html.append("</table>");
    }

    private static boolean drawn(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v);
    }

    /** A chart: its heading, its tables, the SVG with both axes labelled and ticked, and its note. */
    private void chart(Chart c) {
        html.append("<h2>").append(escape(c.title())).append("</h2>");
        for (Chart.Table t : c.tables()) {
            table(t);
        }
        boolean rows = c.kind() == Chart.Kind.ROWS;
        int left = rows ? ROW_LABELS : LEFT;
        int width = left + c.width() + 30;
        int height = TOP + c.height() + BELOW;
        int bottom = TOP + c.height();
        html.append(fmt("<svg id=\"%s\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">", escape(c.id()),
                width, height, escape(c.title())));
        // The bars.
        for (int i = 0; i < c.bars().size(); i++) {
            Chart.Bar b = c.bars().get(i);
            String fill = b.tone() == Chart.Tone.GOOD ? "#5a9e5a" : b.tone() == Chart.Tone.BAD ? "#c0504d"
                    : "#4a78b5";
            double length = drawn(b.value()) ? Math.max(0, b.value()) / c.yMax() : 0;
            if (rows) {
                html.append(fmt("<text x=\"5\" y=\"%d\" font-size=\"11\">%s</text>", TOP + i * ROW_HEIGHT + 12,
                        escape(b.label())));
                html.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title>"
                        + "</rect>", left, TOP + i * ROW_HEIGHT, length * c.width(), ROW_HEIGHT - 4, fill,
                        escape(b.title())));
            } else {
                double span = c.width() / (c.xTo() - c.xFrom());
                double h = length * c.height();
                html.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s"
                        + "</title></rect>", left + (b.from() - c.xFrom()) * span, bottom - h,
                        Math.max(1, (b.to() - b.from()) * span - 1), h, fill, escape(b.title())));
            }
        }
        if (c.diagonal()) {
            html.append(fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4\"/>",
                    left, bottom, left + c.width(), TOP));
        }
        // The axes, their ticks and labels.
        html.append(fmt("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left,
                bottom, left + c.width(), bottom));
        html.append(fmt("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", left,
                TOP, left, bottom));
        double xSpan = c.width() / (c.xTo() - c.xFrom());
        for (Chart.Tick t : c.xTicks()) {
            double x = left + (t.at() - c.xFrom()) * xSpan;
            html.append(fmt("<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, bottom, x,
                    bottom + 4, x, bottom + 16, escape(t.label())));
        }
        for (Chart.Tick t : c.yTicks()) {
            double y = bottom - t.at() / c.yMax() * c.height();
            html.append(fmt("<line class=\"tick\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", left - 4, y, left,
                    y, left - 6, y + 4, escape(t.label())));
        }
        html.append(fmt("<text class=\"axis-label\" x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s"
                + "</text>", left + c.width() / 2, bottom + 36, escape(c.xLabel())));
        html.append(fmt("<text class=\"axis-label\" x=\"12\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 12 %d)\">%s</text>", TOP + c.height() / 2, TOP + c.height() / 2,
                escape(c.yLabel())));
        html.append("</svg>");
        if (!c.note().isEmpty()) {
            html.append("<p class=\"note\">").append(escape(c.note())).append("</p>");
        }
        html.append("\n");
    }

    /** The groups, each with its mean's 95% interval drawn on one scale shared by every group. */
    private void groups(EvaluationResult result) {
        if (result.groups().isEmpty()) {
            return;
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (EvaluationResult.Group g : result.groups()) {
            for (double v : g.state().meanInterval95()) {
                if (drawn(v)) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
            }
        }
        boolean scale = low < high;
        html.append("<h2>Groups</h2><table id=\"groups\"><tr>");
        for (String column : result.groups().get(0).key().keySet()) {
            html.append("<th class=\"k\">").append(escape(column)).append("</th>");
        }
        html.append("<th>rows</th><th>mean</th><th>standard error</th><th>95% interval</th><th>sum</th><th>")
                .append(scale ? escape("mean and 95% interval, " + Numbers.shortText(low) + " to "
                        + Numbers.shortText(high)) : "").append("</th></tr>");
        for (EvaluationResult.Group g : result.groups()) {
            html.append("<tr>");
            for (Object v : g.key().values()) {
                html.append(cell(v, true));
            }
            LossState s = g.state();
            double[] interval = s.meanInterval95();
            html.append(cell(s.rows(), false)).append(cell(s.mean(), false)).append(cell(s.standardError(), false))
                    .append("<td title=\"").append(num(interval[0])).append(" to ").append(num(interval[1]))
                    .append("\">").append(Numbers.shortText(interval[0])).append(" to ")
                    .append(Numbers.shortText(interval[1])).append("</td>").append(cell(s.sum(), false))
                    .append("<td>");
            if (scale && drawn(interval[0]) && drawn(interval[1])) {
                double per = INTERVAL_WIDTH / (high - low);
                html.append(fmt("<svg class=\"interval\" width=\"%d\" height=\"14\" role=\"img\" aria-label=\"95%% "
                        + "interval\"><line x1=\"%.1f\" y1=\"7\" x2=\"%.1f\" y2=\"7\" stroke=\"#4a78b5\" "
                        + "stroke-width=\"3\"/><circle cx=\"%.1f\" cy=\"7\" r=\"3\" fill=\"#222\"/></svg>",
                        INTERVAL_WIDTH + 10, 5 + (interval[0] - low) * per, 5 + (interval[1] - low) * per,
                        5 + (s.mean() - low) * per));
            }
            html.append("</td></tr>");
        }
        html.append("</table>\n");
    }
}
