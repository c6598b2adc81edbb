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
import javax.imageio.ImageIO;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium (Debian's chromium; .ci/run installs it) loads the sample's
 * report, its DOM holds the summary numbers and every chart, and a screenshot is not blank. Text from the data is
 * escaped: a group key holding a script tag stays text.
 */
class ReportBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";

    @TempDir
    Path tmp;

    /** Runs headless Chromium on a file; returns its standard output. */
    String chromium(Path page, String... action) throws Exception {
        assertTrue(new File(CHROMIUM).canExecute(), "this test needs Chromium: apt-get install -y chromium");
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
                "--output", out.toString());
        assertEquals(0, run.exitCode, run.toString());
        Path page = out.resolve("report.html");
        String html = Files.readString(page);
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched");
        String dom = chromium(page, "--dump-dom");
        for (String id : List.of("summary", "loss-histogram", "quantiles", "per-class", "per-class-chart", "groups",
                "reliability-diagram", "ece")) {
            assertTrue(dom.contains("id=\"" + id + "\""), id + " rendered");
        }
        // The summary's numbers are in the DOM, and they are PyTorch's (data/digits/expected.json) to 1e-12.
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        JsonNode torch = new ObjectMapper().readTree(Path.of("data/digits/expected.json").toFile()).get("default");
        for (String figure : List.of("mean", "sum")) {
            double value = summary.get(figure).asDouble();
            assertTrue(dom.contains(Double.toString(value)), "the " + figure + " " + value + " is in the DOM");
            TorchMatch.check("sample " + figure, torch.get(figure).asDouble(), value);
        }
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
