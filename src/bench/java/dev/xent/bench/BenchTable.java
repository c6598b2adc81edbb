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
 * TSV files of other contenders ({@code torch_cross_entropy.py}, {@link SparkBench}, {@link ParquetBench}, the
 * memory run of {@code bin/xent-bench}). Each row: contender, N, C, elements/s (the median over the measured
 * iterations or runs), its ratio to xent at the same C and N (xent's default vector kernel in memory, xent's
 * {@code Evaluation} on Spark and on Parquet), and its peak memory (TSV field 7: the JVM's peak heap, or the
 * process's peak resident size for torch and the memory run; JMH rows take theirs from {@code jmh-memory.tsv}).
 * Then each goal of issue 5, met or missed, from these figures.
 *
 * <p>Usage: {@code BenchTable jmh.json [jmh-memory.tsv] [contenders.tsv ...]}.
 */
public final class BenchTable {
    /** Issue 5's goals (and issue 19's: xent's kernel against the JDK EXP bound): group, C (0: every C measured), contender, how many times faster xent must be. */
    private static final Object[][] GOALS = {
        {"kernel", 1000, "torch float32", 2.0},
        {"kernel", 32000, "torch float32", 2.5},
        {"kernel", 1000, "xent JDK EXP bound (JMH)", 1.2},
        {"kernel", 32000, "xent JDK EXP bound (JMH)", 1.2},
        {"spark", 0, "MLlib logLoss", 5.0},
        {"spark", 0, "Spark SQL HOF", 50.0},
        {"spark", 0, "boxed Java UDF", 3.0},
    };

    private BenchTable() {
    }

    /** Table titles by group. */
    private static final String[][] GROUPS = {
        {"kernel", "In memory, one thread:"},
        {"spark", "Spark, cached DataFrame, local[2]:"},
        {"parquet", "Parquet files end to end, local[2] (floor: read every logit and sum them):"},
        {"memory", "Memory: bin/xent on local[2] with a 2 GB heap (-Xmx2g), one run:"},
    };

    /** Goal 3: xent on Parquet within this factor of the floor job's time. */
    private static final double PARQUET_FACTOR = 1.3;

    /** Goal 5: each size's time within this fraction of the least-squares line through the sizes of one C. */
    private static final double LINEAR_TOLERANCE = 0.10;

    /** One line of the table. */
    static final class Row {
        final String group;
        final String contender;
        final long n;
        final int classes;
        final double elementsPerSecond;
        long peakBytes = -1;
        String note = "";

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
            Path file = Path.of(args[i]);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            if (file.getFileName().toString().equals("jmh-memory.tsv")) {
                jmhPeaks(file, rows);
            } else {
                rows.addAll(tsvRows(file));
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

    /** Sets each JMH row's peak heap from lines {@code contender, C, bytes} (the largest per contender and C). */
    static void jmhPeaks(Path tsv, List<Row> rows) throws IOException {
        for (String line : Files.readAllLines(tsv)) {
            String[] f = line.split("\t");
            if (f.length < 3) {
                continue;
            }
            for (Row r : rows) {
                if (r.group.equals("kernel") && r.contender.equals(f[0]) && r.classes == Integer.parseInt(f[1])) {
                    r.peakBytes = Math.max(r.peakBytes, Long.parseLong(f[2]));
                }
            }
        }
    }

    static List<Row> tsvRows(Path tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(tsv)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            String group = f.length > 5 ? f[5] : "kernel";
            Row row = new Row(group, f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]));
            row.peakBytes = f.length > 6 ? Long.parseLong(f[6]) : -1;
            row.note = f.length > 7 ? f[7] : "";
            rows.add(row);
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        for (String[] group : GROUPS) {
            List<Row> in = new ArrayList<>();
            for (Row r : rows) {
                if (r.group.equals(group[0])) {
                    in.add(r);
                }
            }
            if (in.isEmpty()) {
                continue;
            }
            out.append(out.length() == 0 ? "" : "\n").append(group[1]).append("\n\n");
            out.append(String.format(Locale.ROOT, "| %-25s | %9s | %6s | %11s | %13s | %11s |%n", "contender", "N", "C",
                    "elements/s", "ratio to xent", "peak memory"));
            out.append("|---------------------------|----------:|-------:|------------:|--------------:|")
                    .append("------------:|\n");
            in.sort((a, b) -> a.classes != b.classes ? Integer.compare(a.classes, b.classes)
                    : a.n != b.n ? Long.compare(a.n, b.n) : Double.compare(b.elementsPerSecond, a.elementsPerSecond));
            for (Row r : in) {
                double xent = xent(in, group[0], r.classes, r.n);
                out.append(String.format(Locale.ROOT, "| %-25s | %9d | %6d | %11s | %13s | %11s |%n", r.contender,
                        r.n, r.classes, String.format(Locale.ROOT, "%.3g", r.elementsPerSecond),
                        Double.isNaN(xent) ? "-" : String.format(Locale.ROOT, "%.2f", r.elementsPerSecond / xent),
                        r.peakBytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f MB", r.peakBytes / 1e6)));
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
                double xent = xent(rows, group, r.classes, r.n);
                if (!Double.isNaN(xent)) {
                    double ratio = xent / r.elementsPerSecond;
                    out.append(String.format(Locale.ROOT, "goal C=%d%s: xent >= %.1fx %s: %.2fx, %s%n", r.classes,
                            group.equals("kernel") ? "" : " N=" + r.n, factor, contender, ratio,
                            ratio >= factor ? "met" : "MISSED"));
                }
            }
        }
        sqlGoals(rows, out);
        parquetGoals(rows, out);
        return out.toString();
    }

    /** Issue 13's goal: the catalog's SQL routes ({@code xent.agg}, {@code sum(xent.loss)}) at this fraction of
     * {@code Evaluation}'s throughput or more. */
    private static final double SQL_FRACTION = 0.8;

    /** Issue 13: each catalog SQL route's throughput against {@code Evaluation}'s on the same frame. */
    private static void sqlGoals(List<Row> rows, StringBuilder out) {
        for (Row r : rows) {
            boolean catalogRoute = r.contender.startsWith("SQL xent.") || r.contender.startsWith("SQL sum(");
            if (r.group.equals("spark") && catalogRoute) {
                double xent = xent(rows, "spark", r.classes, r.n);
                if (!Double.isNaN(xent)) {
                    double ratio = r.elementsPerSecond / xent;
                    out.append(String.format(Locale.ROOT, "goal C=%d N=%d: %s >= %.1fx Evaluation's rate: %.2fx, %s%n",
                            r.classes, r.n, r.contender, SQL_FRACTION, ratio,
                            ratio >= SQL_FRACTION ? "met" : "MISSED"));
                }
            }
        }
    }

    /** Goals 3 (xent within 1.3x the floor's time), 4 (the 2 GB run finished) and 5 (linear in N x C). */
    private static void parquetGoals(List<Row> rows, StringBuilder out) {
        for (Row r : rows) {
            if (r.group.equals("parquet") && r.contender.startsWith("floor")) {
                double xent = xent(rows, "parquet", r.classes, r.n);
                if (!Double.isNaN(xent)) {
                    double ratio = r.elementsPerSecond / xent;
                    out.append(String.format(Locale.ROOT,
                            "goal C=%d N=%d: xent's time <= %.1fx the floor's: %.2fx, %s%n",
                            r.classes, r.n, PARQUET_FACTOR, ratio, ratio <= PARQUET_FACTOR ? "met" : "MISSED"));
                }
            }
        }
        for (Row r : rows) {
            if (r.group.equals("memory")) {
                boolean ok = r.note.equals("exit 0");
                out.append(String.format(Locale.ROOT,
                        "goal memory: N=%d C=%d with -Xmx2g: %s, peak resident %.0f MB, %s%n",
                        r.n, r.classes, r.note, r.peakBytes / 1e6, ok ? "met" : "MISSED"));
            }
        }
        rows.stream().filter(r -> r.group.equals("parquet") && r.contender.equals("xent Evaluation"))
                .mapToInt(r -> r.classes).distinct().sorted().forEach(c -> out.append(linearity(rows, c)));
    }

    /**
     * Goal 5 at one C: the least-squares line {@code seconds = a + b * N * C} through xent's Parquet runs; linear
     * when there are at least four sizes and every time is within {@link #LINEAR_TOLERANCE} of the line. The fixed
     * cost {@code a} (planning and starting jobs) is reported apart from the cost per element {@code b}.
     */
    static String linearity(List<Row> rows, int classes) {
        List<Row> in = new ArrayList<>();
        for (Row r : rows) {
            if (r.group.equals("parquet") && r.contender.equals("xent Evaluation") && r.classes == classes) {
                in.add(r);
            }
        }
        in.sort((p, q) -> Long.compare(p.n, q.n));
        int k = in.size();
        double[] x = new double[k];
        double[] y = new double[k];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < k; i++) {
            x[i] = (double) in.get(i).n * classes;
            y[i] = x[i] / in.get(i).elementsPerSecond;
            mx += x[i] / k;
            my += y[i] / k;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < k; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double b = sxx == 0 ? 0 : sxy / sxx;
        double a = my - b * mx;
        double worst = 0;
        StringBuilder sizes = new StringBuilder();
        for (int i = 0; i < k; i++) {
            worst = Math.max(worst, Math.abs(y[i] - (a + b * x[i])) / y[i]);
            sizes.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g s", y[i]));
        }
        boolean met = k >= 4 && worst <= LINEAR_TOLERANCE;
        return String.format(Locale.ROOT, "goal C=%d: time linear in N x C (%d sizes: %s; fit %.3f s + %.2f ns per "
                + "element, largest deviation %.0f%% <= %.0f%%): %s%n", classes, k, sizes, a, b * 1e9, worst * 100,
                LINEAR_TOLERANCE * 100, met ? "met" : "MISSED");
    }

    /**
     * xent's reference figure at C in a group (the vector kernel in memory, else the Evaluation at the same N),
     * else NaN.
     */
    private static double xent(List<Row> rows, String group, int classes, long n) {
        String name = group.equals("kernel") ? "xent vector" : "xent Evaluation";
        return rows.stream().filter(r -> r.group.equals(group) && r.classes == classes
                && (group.equals("kernel") || r.n == n) && r.contender.startsWith(name))
                .mapToDouble(r -> r.elementsPerSecond).findFirst().orElse(Double.NaN);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
