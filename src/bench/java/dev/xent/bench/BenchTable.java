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
 * Prints the benchmark tables from one run: {@link KernelBenchmark}'s JMH JSON result and, when given and present,
 * TSV files of other contenders ({@code torch_cross_entropy.py}, {@link SparkBench}). Each row: contender, N, C,
 * elements/s (the median over the measured iterations or runs), and its ratio to xent at the same C: xent's default
 * (vector) kernel for the in-memory kernel table, xent's {@code Evaluation} for the Spark table (TSV lines whose
 * sixth field is {@code spark}). Then each goal of issue 5, met or missed, from these figures.
 *
 * <p>Usage: {@code BenchTable jmh.json [contenders.tsv ...]}.
 */
public final class BenchTable {
    /** Issue 5's goals: group, C (0: every C measured), contender, how many times faster xent must be. */
    private static final Object[][] GOALS = {
        {"kernel", 1000, "torch float32", 2.0},
        {"kernel", 32000, "torch float32", 2.5},
        {"spark", 0, "MLlib logLoss", 5.0},
        {"spark", 0, "Spark SQL HOF", 50.0},
        {"spark", 0, "boxed Java UDF", 3.0},
    };

    private BenchTable() {
    }

    /** One line of the table. */
    static final class Row {
        final String group;
        final String contender;
        final long n;
        final int classes;
        final double elementsPerSecond;

        Row(String group, String contender, long n, int classes, double elementsPerSecond) {
            this.group = group;
            this.contender = contender;
            this.n = n;
            this.classes = classes;
            this.elementsPerSecond = elementsPerSecond;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: BenchTable jmh.json [contenders.tsv ...]");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>(jmhRows(Path.of(args[0])));
        for (int i = 1; i < args.length; i++) {
            if (Files.isRegularFile(Path.of(args[i]))) {
                rows.addAll(tsvRows(Path.of(args[i])));
            }
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
            rows.add(new Row("kernel", "xent " + params.get("kernel").asText() + " (JMH)", n, classes,
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
            String group = f.length > 5 ? f[5] : "kernel";
            rows.add(new Row(group, f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3])));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        for (String group : new String[] {"kernel", "spark"}) {
            List<Row> in = new ArrayList<>();
            for (Row r : rows) {
                if (r.group.equals(group)) {
                    in.add(r);
                }
            }
            if (in.isEmpty()) {
                continue;
            }
            out.append(group.equals("kernel") ? "In memory, one thread:\n\n"
                    : "\nSpark, cached DataFrame, local[2]:\n\n");
            out.append(String.format(Locale.ROOT, "| %-22s | %7s | %6s | %14s | %13s |%n", "contender", "N", "C",
                    "elements/s", "ratio to xent"));
            out.append("|------------------------|--------:|-------:|---------------:|--------------:|\n");
            in.sort((a, b) -> a.classes != b.classes ? Integer.compare(a.classes, b.classes)
                    : Double.compare(b.elementsPerSecond, a.elementsPerSecond));
            for (Row r : in) {
                double xent = xent(in, group, r.classes);
                out.append(String.format(Locale.ROOT, "| %-22s | %7d | %6d | %14s | %13s |%n", r.contender, r.n,
                        r.classes, String.format(Locale.ROOT, "%.3g", r.elementsPerSecond),
                        Double.isNaN(xent) ? "-" : String.format(Locale.ROOT, "%.2f", r.elementsPerSecond / xent)));
            }
        }
        out.append("\n");
        for (Object[] goal : GOALS) {
            String group = (String) goal[0];
            int wanted = (Integer) goal[1];
            String contender = (String) goal[2];
            double factor = (Double) goal[3];
            for (Row r : rows) {
                if (!r.group.equals(group) || !r.contender.equals(contender) || (wanted != 0 && r.classes != wanted)) {
                    continue;
                }
                double xent = xent(rows, group, r.classes);
                if (!Double.isNaN(xent)) {
                    double ratio = xent / r.elementsPerSecond;
                    out.append(String.format(Locale.ROOT, "goal C=%d: xent >= %.1fx %s: %.2fx, %s%n", r.classes,
                            factor, contender, ratio, ratio >= factor ? "met" : "MISSED"));
                }
            }
        }
        return out.toString();
    }

    /** xent's reference figure at C in a group (the vector kernel; the Evaluation on Spark), else NaN. */
    private static double xent(List<Row> rows, String group, int classes) {
        String name = group.equals("spark") ? "xent Evaluation" : "xent vector";
        return rows.stream().filter(r -> r.group.equals(group) && r.classes == classes
                && r.contender.startsWith(name)).mapToDouble(r -> r.elementsPerSecond).findFirst().orElse(Double.NaN);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
