package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium (Debian's chromium; .ci/run installs it) loads the sample's
 * report; its rendered DOM holds the summary numbers and every chart, each chart's bars match the figures they draw
 * (one bar per non-empty histogram bin, heights proportional to the counts, axis labels present), and a screenshot
 * is not blank. Text from the data is escaped: a group key holding a script tag stays text.
 *
 * <p>Without Chromium the tests are skipped, saying so; with {@code XENT_REQUIRE_BROWSER=1} (or
 * {@code -Dxent.requireBrowser=true}), as {@code .ci/run} sets, a missing Chromium fails them.
 */
class ReportBrowserTest {
    static final String CHROMIUM = System.getProperty("xent.chromium", "/usr/bin/chromium");
    static final boolean REQUIRED = Boolean.getBoolean("xent.requireBrowser")
            || "1".equals(System.getenv("XENT_REQUIRE_BROWSER"));

    @TempDir
    Path tmp;

    @BeforeEach
    void chromiumIsInstalled() {
        boolean present = new File(CHROMIUM).canExecute();
        String missing = CHROMIUM + " is not installed (apt-get install -y chromium; .ci/run installs it)";
        if (REQUIRED) {
            assertTrue(present, "the browser test is required (XENT_REQUIRE_BROWSER=1) but " + missing);
        }
        Assumptions.assumeTrue(present, "skipped: " + missing);
    }

    /** Runs headless Chromium on a file; returns its standard output. */
    String chromium(Path page, String... action) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium")));
        command.addAll(List.of(action));
        command.add(page.toUri().toString());
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), "chromium exit code");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void theSamplesReportRendersWithItsNumbersAndCharts() throws Exception {
        Path out = tmp.resolve("report");
        CliRun run = CliRun.of("evaluate", "--input", "data/digits/logits.jsonl", "--group-by", "split", "--report",
                "--reduction", "none", "--output", out.toString());
        assertEquals(0, run.exitCode, run.toString());
        Path page = out.resolve("report.html");
        String html = Files.readString(page);
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched");
        String dom = chromium(page, "--dump-dom");
        for (String id : List.of("summary", "loss-histogram", "loss_histogram", "metrics", "per-class",
                "per-class-chart", "groups", "reliability-diagram", "ece")) {
            assertTrue(dom.contains("id=\"" + id + "\""), id + " rendered");
        }
        // The summary's numbers are in the DOM, and they are PyTorch's (data/digits/expected.json) to 1e-12.
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode torch = new ObjectMapper().readTree(Path.of("data/digits/expected.json").toFile()).get("default");
        for (String figure : List.of("mean", "sum")) {
            double value = summary.get(figure).asDouble();
            assertTrue(dom.contains("title=\"" + value + "\""), "the " + figure + " " + value + " is in the DOM");
            TorchMatch.check("sample " + figure, torch.get(figure).asDouble(), value);
        }
        chartsDrawTheirFigures(dom, out);
        for (String chartId : List.of("loss-histogram", "reliability-diagram", "per-class-chart")) {
            chartHasAxes(chart(dom, chartId), chartId);
        }
        groupsShowTheirIntervals(dom, summary);
        Path shot = tmp.resolve("report.png");
        chromium(page, "--window-size=1200,3000", "--screenshot=" + shot);
        BufferedImage image = ImageIO.read(shot.toFile());
        long inked = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                if (rgb != 0xFFFFFF) {
                    inked++;
                }
            }
        }
        long sampled = (long) (image.getHeight() / 2) * (image.getWidth() / 2);
        assertTrue(inked > sampled / 50, "not blank: " + inked + " of " + sampled + " sampled pixels have ink");
    }

    /** One {@code <rect>} of a chart: its geometry and its tooltip. */
    record Bar(double x, double y, double width, double height, String title) {
    }

    /** The bars of the chart with this id in the rendered DOM, in document order. */
    static List<Bar> bars(String dom, String chartId) {
        String chart = chart(dom, chartId);
        List<Bar> bars = new ArrayList<>();
        Matcher m = Pattern.compile("<rect x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" width=\"([-0-9.]+)\" height=\""
                + "([-0-9.]+)\"[^>]*><title>([^<]*)</title></rect>").matcher(chart);
        while (m.find()) {
            bars.add(new Bar(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), m.group(5)));
        }
        assertEquals(count(chart, "<rect"), bars.size(), chartId + ": every rect read");
        return bars;
    }

    static String chart(String dom, String chartId) {
        int start = dom.indexOf("<svg id=\"" + chartId + "\"");
        assertTrue(start >= 0, chartId + " rendered");
        return dom.substring(start, dom.indexOf("</svg>", start));
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Each chart against the figures it draws: the histogram against the per-row losses (rows/), the reliability
     * diagram and the class chart against summary.json. Coordinates are written to 0.1 px, hence the 0.06 slack.
     */
    static void chartsDrawTheirFigures(String dom, Path out) throws Exception {
        List<Double> losses = new ArrayList<>();
        for (Row r : SharedSpark.get().read().parquet(out.resolve("rows").toString()).select("loss")
                .collectAsList()) {
            losses.add(r.getDouble(0));
        }
        assertEquals(1797, losses.size());
        // Histogram: one bar per bin from the first to the last non-empty one; each bar's count is the number of
        // losses between its edges; the non-empty bins are the bars with a height; heights proportional to counts.
        List<Bar> histogram = bars(dom, "loss-histogram");
        Pattern title = Pattern.compile("(\\S+) to (\\S+): (\\d+) rows");
        long counted = 0;
        long max = 0;
        long[] counts = new long[histogram.size()];
        for (int i = 0; i < histogram.size(); i++) {
            Matcher t = title.matcher(histogram.get(i).title());
            assertTrue(t.matches(), histogram.get(i).title());
            double from = Double.parseDouble(t.group(1));
            double to = Double.parseDouble(t.group(2));
            counts[i] = Long.parseLong(t.group(3));
            assertEquals(losses.stream().filter(l -> l >= from && l < to).count(), counts[i],
                    "losses in [" + from + ", " + to + ")");
            counted += counts[i];
            max = Math.max(max, counts[i]);
        }
        assertEquals(losses.size(), counted, "every loss is in a bar");
        assertTrue(counts[0] > 0 && counts[counts.length - 1] > 0, "the bars run from the first to the last "
                + "non-empty bin");
        long nonEmpty = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
        assertEquals(nonEmpty, histogram.stream().filter(b -> b.height() > 0).count(),
                "bars with a height = non-empty bins");
        for (int i = 0; i < histogram.size(); i++) {
            Bar b = histogram.get(i);
            assertEquals(260.0 * counts[i] / max, b.height(), 0.06, "bar " + i + " height proportional to its count");
            assertEquals(270.0, b.y() + b.height(), 0.06, "bar " + i + " stands on the axis");
            if (i > 0) {
                assertEquals(histogram.get(i - 1).x() + 840.0 / histogram.size(), b.x(), 0.11, "bars side by side");
            }
        }
        String histogramChart = chart(dom, "loss-histogram");
        assertTrue(histogramChart.contains(">" + max + "</text>"), "the count axis is labelled with the largest "
                + "count, " + max);
        assertTrue(count(histogramChart, "text-anchor=\"middle\"") >= 2, "the loss axis has tick labels");
        // Reliability diagram: one bar per calibration bin with rows, its height the bin's accuracy.
        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        List<JsonNode> bins = new ArrayList<>();
        summary.get("metrics").get("calibration_bins").forEach(b -> {
            if (b.get("rows").asLong() > 0) {
                bins.add(b);
            }
        });
        List<Bar> reliability = bars(dom, "reliability-diagram");
        assertEquals(bins.size(), reliability.size(), "one bar per calibration bin with rows");
        for (int i = 0; i < bins.size(); i++) {
            assertEquals(360 * bins.get(i).get("accuracy").doubleValue(), reliability.get(i).height(), 0.06,
                    "reliability bar " + i + " height = accuracy");
            assertTrue(reliability.get(i).title().endsWith(bins.get(i).get("rows").asLong() + " rows"),
                    reliability.get(i).title());
        }
        String reliabilityChart = chart(dom, "reliability-diagram");
        assertTrue(reliabilityChart.contains(">confidence (largest predicted probability)</text>")
                && reliabilityChart.contains(">accuracy</text>"), "axis labels");
        assertTrue(reliabilityChart.contains(">0</text>") && reliabilityChart.contains(">0.5</text>")
                && reliabilityChart.contains(">1</text>"), "tick labels 0, 0.5 and 1");
        // Class chart: one bar per class (10 here, all shown), widths proportional to each class's mean loss.
        List<Bar> classes = bars(dom, "per-class-chart");
        assertEquals(summary.get("per_class").size(), classes.size(), "one bar per class");
        double maxMean = 0;
        for (JsonNode c : summary.get("per_class")) {
            maxMean = Math.max(maxMean, c.get("mean").doubleValue());
        }
        for (JsonNode c : summary.get("per_class")) {
            Bar bar = classes.stream().filter(b -> b.title().startsWith("class " + c.get("class").asLong() + ":"))
                    .findFirst().orElseThrow();
            assertEquals(560 * c.get("mean").doubleValue() / maxMean, bar.width(), 0.06,
                    "class " + c.get("class") + " bar width proportional to its mean");
        }
        assertEquals(classes.size(), count(chart(dom, "per-class-chart"), "font-size=\"11\">class "),
                "each bar is labelled");
    }

    /** Two axis lines, ticks on both axes (each a tick mark with its label) and an axis label on each. */
    static void chartHasAxes(String chart, String chartId) {
        assertEquals(2, count(chart, "class=\"axis\""), chartId + ": two axes");
        assertEquals(2, count(chart, "class=\"axis-label\""), chartId + ": both axes labelled");
        Matcher m = Pattern.compile("<line class=\"tick\" x1=\"([-0-9.]+)\" y1=\"([-0-9.]+)\" x2=\"([-0-9.]+)\""
                + " y2=\"([-0-9.]+)\"").matcher(chart);
        int vertical = 0;
        int horizontal = 0;
        while (m.find()) {
            if (m.group(1).equals(m.group(3))) {
                vertical++;
            } else {
                horizontal++;
            }
        }
        assertTrue(vertical >= 2, chartId + ": the x axis has ticks, " + vertical);
        if (!chartId.equals("per-class-chart")) {
            assertTrue(horizontal >= 2, chartId + ": the y axis has ticks, " + horizontal);
        }
        assertEquals(vertical + horizontal, count(chart, "text-anchor=\"middle\">") - 1 + count(chart,
                "text-anchor=\"end\">"), chartId + ": each tick has a label");
    }

    /**
     * The groups table: each group's 95% interval is mean ± 1.96 standard errors of summary.json's numbers, shown
     * rounded, and drawn beside it (a line from low to high, the mean's dot inside it).
     */
    static void groupsShowTheirIntervals(String dom, JsonNode summary) {
        int start = dom.indexOf("<table id=\"groups\"");
        String table = dom.substring(start, dom.indexOf("</table>", start));
        assertEquals(summary.get("groups").size(), count(table, "<svg class=\"interval\""), "one interval a group");
        Matcher m = Pattern.compile("<line x1=\"([-0-9.]+)\" y1=\"7\" x2=\"([-0-9.]+)\"[^>]*/?>(?:</line>)?"
                + "<circle cx=\"([-0-9.]+)\"").matcher(table);
        int drawn = 0;
        while (m.find()) {
            double low = Double.parseDouble(m.group(1));
            double high = Double.parseDouble(m.group(2));
            double mean = Double.parseDouble(m.group(3));
            assertTrue(low < mean && mean < high, "the mean " + mean + " inside its interval " + low + ".." + high);
            drawn++;
        }
        assertEquals(summary.get("groups").size(), drawn, "every interval drawn");
        for (JsonNode g : summary.get("groups")) {
            double half = 1.959963984540054 * g.get("standard_error").asDouble();
            double mean = g.get("mean").asDouble();
            assertTrue(table.contains(dev.xent.core.Numbers.shortText(mean - half) + " to "
                    + dev.xent.core.Numbers.shortText(mean + half)), "group " + g.get("key") + "'s interval shown");
        }
    }

    @Test
    void aScriptInAGroupKeyStaysText() throws Exception {
        String key = "<script>document.title='owned'</script>";
        Path input = tmp.resolve("evil.parquet");
        SharedSpark.get().createDataFrame(List.of(RowFactory.create(key, List.of(1.0, 2.0), 1L),
                RowFactory.create("plain", List.of(2.0, 1.0), 0L)), new StructType().add("g", DataTypes.StringType)
                .add("logits", DataTypes.createArrayType(DataTypes.DoubleType)).add("target", DataTypes.LongType))
                .write().parquet(input.toString());
        Path out = tmp.resolve("evil-report");
        CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--group-by", "g", "--report", "--output",
                out.toString());
        assertEquals(0, run.exitCode, run.toString());
        String html = Files.readString(out.resolve("report.html"));
        assertFalse(html.contains("<script"), html);
        assertTrue(html.contains("&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;"));
        String dom = chromium(out.resolve("report.html"), "--dump-dom");
        assertFalse(dom.contains("<script"), "no script element in the DOM");
        assertFalse(dom.contains("<title>owned</title>"), "the script did not run");
        assertTrue(dom.contains("&lt;script&gt;"), "the key is shown as text");
    }
}
