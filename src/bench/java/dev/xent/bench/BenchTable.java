package dev.xent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints the benchmark table from one run: {@link KernelBenchmark}'s JMH JSON result and, when given and present,
 * the TSV of {@code torch_cross_entropy.py}. Each row: contender, N, C, elements/s (the median over the measured
 * iterations or runs), and its ratio to xent's default (vector) kernel at the same C. Then each goal of issue 5's
 * kernel part, met or missed, from these figures.
 *
 * <p>Usage: {@code BenchTable jmh.json [torch.tsv]}.
 */
public final class BenchTable {
    private static final double[] GOALS = {1000, 2.0, 32000, 2.5};

    private BenchTable() {
    }

    /** One line of the table. */
    static final class Row {
        final String contender;
        final long n;
        final int classes;
        final double elementsPerSecond;

        Row(String contender, long n, int classes, double elementsPerSecond) {
            this.contender = contender;
            this.n = n;
            this.classes = classes;
            this.elementsPerSecond = elementsPerSecond;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: BenchTable jmh.json [torch.tsv]");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>(jmhRows(Path.of(args[0])));
        if (args.length > 1 && Files.isRegularFile(Path.of(args[1]))) {
            rows.addAll(tsvRows(Path.of(args[1])));
        }
        System.out.print(table(rows));
    }

    static List<Row> jmhRows(Path json) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonNode result : new ObjectMapper().readTree(json.toFile())) {
            JsonNode params = result.get("params");
            int classes = params.get("classes").asInt();
            long n = params.get("elements").asLong() / classes;
            List<Double> scores = new ArrayList<>();
            for (JsonNode fork : result.get("primaryMetric").get("rawData")) {
                for (JsonNode iteration : fork) {
                    scores.add(iteration.asDouble());
                }
            }
            double opsPerSecond = median(scores.stream().mapToDouble(Double::doubleValue).toArray());
            rows.add(new Row("xent " + params.get("kernel").asText() + " (JMH)", n, classes,
                    opsPerSecond * n * classes));
        }
        return rows;
    }

    static List<Row> tsvRows(Path tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            rows.add(new Row(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3])));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "| %-22s | %7s | %6s | %14s | %13s |%n", "contender", "N", "C",
                "elements/s", "ratio to xent"));
        out.append("|------------------------|--------:|-------:|---------------:|--------------:|\n");
        rows.sort((a, b) -> a.classes != b.classes ? Integer.compare(a.classes, b.classes)
                : Double.compare(b.elementsPerSecond, a.elementsPerSecond));
        for (Row r : rows) {
            double xent = xent(rows, r.classes);
            out.append(String.format(Locale.ROOT, "| %-22s | %7d | %6d | %14s | %13s |%n", r.contender, r.n,
                    r.classes, String.format(Locale.ROOT, "%.3g", r.elementsPerSecond),
                    Double.isNaN(xent) ? "-" : String.format(Locale.ROOT, "%.2f", r.elementsPerSecond / xent)));
        }
        for (int g = 0; g < GOALS.length; g += 2) {
            int classes = (int) GOALS[g];
            double xent = xent(rows, classes);
            double torch = rows.stream().filter(r -> r.classes == classes && r.contender.equals("torch float32"))
                    .mapToDouble(r -> r.elementsPerSecond).findFirst().orElse(Double.NaN);
            if (!Double.isNaN(xent) && !Double.isNaN(torch)) {
                double ratio = xent / torch;
                out.append(String.format(Locale.ROOT, "goal C=%d: xent >= %.1fx torch float32: %.2fx, %s%n",
                        classes, GOALS[g + 1], ratio, ratio >= GOALS[g + 1] ? "met" : "MISSED"));
            }
        }
        return out.toString();
    }

    /** xent's default (vector) kernel at C, else NaN. */
    private static double xent(List<Row> rows, int classes) {
        return rows.stream().filter(r -> r.classes == classes && r.contender.startsWith("xent vector"))
                .mapToDouble(r -> r.elementsPerSecond).findFirst().orElse(Double.NaN);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
