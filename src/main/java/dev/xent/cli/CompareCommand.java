package dev.xent.cli;

import dev.xent.core.ComparisonResult;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.PoissonBootstrap;
import dev.xent.report.ComparisonJson;
import dev.xent.report.ComparisonReport;
import dev.xent.report.SummaryJson;
import dev.xent.spark.Comparison;
import dev.xent.spark.InputSchemaException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xent compare}: is the candidate model better than the baseline, by how much, and where? The paired
 * difference of their mean losses on the same rows, with its standard error, interval, z and p-value, per group.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {"Compares two models on the same rows: each side's PyTorch cross-entropy, the paired difference",
            "(candidate - baseline) with its standard error, 95% interval, z and p-value, and wins/ties/losses;",
            "prints comparison.json and writes it to --output."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the comparison ran; its outputs are written",
            "1:the job failed: unmatched keys (with --on-unmatched fail), an invalid row, or a Spark failure",
            "2:nothing ran: a bad option, a missing input, a missing column or one of the wrong type"})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--baseline", paramLabel = "PATH", description = "The baseline model's outputs (with "
            + "--candidate and --join-on).")
    String baselinePath;

    @Option(names = "--candidate", paramLabel = "PATH", description = "The candidate model's outputs.")
    String candidatePath;

    @Option(names = "--input", paramLabel = "PATH", description = "One dataset with both models' outputs (with "
            + "--baseline-logits-col and --candidate-logits-col).")
    String input;

    @Option(names = "--join-on", paramLabel = "COL", split = ",", description = "Key columns that pair the rows of "
            + "--baseline and --candidate; with --input, optional row identity (for --bootstrap and messages).")
    List<String> joinOn;

    @Option(names = "--format", paramLabel = "FORMAT", description = "parquet, json, csv or orc, for every input "
            + "(default: from the file extension, else parquet).")
    String format;

    @Option(names = "--baseline-format", paramLabel = "FORMAT", description = "Format of --baseline (default: "
            + "--format).")
    String baselineFormat;

    @Option(names = "--candidate-format", paramLabel = "FORMAT", description = "Format of --candidate (default: "
            + "--format).")
    String candidateFormat;

    @Option(names = "--logits-col", paramLabel = "COL", defaultValue = "logits", description = "Logits column of "
            + "both sides (default: ${DEFAULT-VALUE}).")
    String logitsColumn;

    @Option(names = "--baseline-logits-col", paramLabel = "COL", description = "The baseline's logits column "
            + "(default: --logits-col).")
    String baselineLogitsColumn;

    @Option(names = "--candidate-logits-col", paramLabel = "COL", description = "The candidate's logits column "
            + "(default: --logits-col).")
    String candidateLogitsColumn;

    @Option(names = "--logits-encoding", paramLabel = "ENC", description = "For binary logits columns: fp16, bf16 "
            + "or fp32 (default: none).")
    String logitsEncoding;

    @Option(names = "--target-col", paramLabel = "COL", defaultValue = "target", description = "Target column, "
            + "on both sides (default: ${DEFAULT-VALUE}).")
    String targetColumn;

    @Option(names = "--weight", paramLabel = "W", split = ",", description = "Class weights w0,w1,... (default: "
            + "none).")
    List<Double> weight;

    @Option(names = "--ignore-index", paramLabel = "N", defaultValue = "-100", description = "Target value whose "
            + "rows are ignored (default: ${DEFAULT-VALUE}).")
    long ignoreIndex;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0.0", description = "Label smoothing "
            + "in [0, 1] (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--input-kind", paramLabel = "KIND", description = "logits, log-probs or probabilities "
            + "(default: logits).")
    String inputKind;

    @Option(names = "--classes", paramLabel = "C", description = "Number of classes (default: the --weight length, "
            + "else the first row's length).")
    Integer classes;

    @Option(names = "--group-by", paramLabel = "COL", split = ",", description = "Columns (of the baseline) whose "
            + "groups get their own comparison (default: none).")
    List<String> groupBy;

    @Option(names = "--on-unmatched", paramLabel = "POLICY", defaultValue = "fail", description = "fail: stop when a "
            + "key is on one side only or duplicated, naming the counts and the first keys, nothing written; drop: "
            + "compare the matched rows, counts kept in the output (default: ${DEFAULT-VALUE}).")
    String onUnmatched;

    @Option(names = "--on-invalid", paramLabel = "POLICY", defaultValue = "fail", description = "fail: stop at an "
            + "invalid row (on either side, or targets that differ) and name it; quarantine: count it as rejected "
            + "and go on (default: ${DEFAULT-VALUE}).")
    String onInvalid;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "0", description = "Also a 95% percentile "
            + "interval from B Poisson-bootstrap replicates, weights hashed from the key (default: 0, none).")
    int bootstrap;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Bootstrap seed (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0", description = "Repartition each input into"
            + " N partitions first (default: 0, keep the input's).")
    int partitions;

    @Option(names = "--output", paramLabel = "DIR", description = "Output folder for comparison.json; written "
            + "atomically (default: none, print only).")
    String output;

    @Option(names = "--overwrite", defaultValue = "false", description = "Replace an earlier xent output folder "
            + "(default: ${DEFAULT-VALUE}).")
    boolean overwrite;

    @Option(names = "--report", defaultValue = "false", description = "Also write DIR/report.html: the figures, "
            + "the difference with its interval per group, the histogram of per-row differences and baseline against "
            + "candidate loss as a binned 2-D histogram (default: ${DEFAULT-VALUE}).")
    boolean report;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", split = ",", description = "Spark setting, repeatable.")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputFolder folder = null;
        long started = System.nanoTime();
        try {
            CrossEntropyOptions options = options();
            boolean two = checkForm();
            boolean dropUnmatched = policy("--on-unmatched", onUnmatched, "fail", "drop");
            boolean quarantine = policy("--on-invalid", onInvalid, "fail", "quarantine");
            if (bootstrap < 0) {
                throw new UsageException("--bootstrap: expected 0 or more replicates but got " + bootstrap);
            }
            if (partitions < 0) {
                throw new UsageException("--partitions: expected 0 or more but got " + partitions);
            }
            LogitsEncoding encoding = encoding();
            if (report && output == null) {
                throw new UsageException("--report writes DIR/report.html: give --output DIR");
            }
            if (output != null) {
                folder = OutputFolder.claim(output, two ? baselinePath : input, overwrite, OutputFolder.hadoop(sparkConf));
                if (two) {
                    OutputGuard.check(output, candidatePath, OutputFolder.hadoop(sparkConf));
                }
            }
            SparkSession spark = session();
            Comparison comparison;
            if (two) {
                Dataset<Row> b = read(spark, "--baseline", baselinePath, baselineFormat);
                Dataset<Row> c = read(spark, "--candidate", candidatePath, candidateFormat);
                comparison = Comparison.of(b, c, list(joinOn));
            } else {
                comparison = Comparison.of(read(spark, "--input", input, format), list(joinOn));
            }
            ComparisonResult result = comparison
                    .baselineLogitsColumn(baselineLogitsColumn != null ? baselineLogitsColumn : logitsColumn)
                    .candidateLogitsColumn(candidateLogitsColumn != null ? candidateLogitsColumn : logitsColumn)
                    .targetColumn(targetColumn)
                    .options(options)
                    .groupBy(list(groupBy))
                    .partitions(partitions)
                    .logitsEncoding(encoding)
                    .bootstrap(bootstrap > 0 ? new PoissonBootstrap(bootstrap, seed) : null)
                    .run();
            if (result.unmatched() > 0 && !dropUnmatched) {
                err.println("xent: unmatched keys, nothing written: " + unmatched(result)
                        + "; --on-unmatched drop compares the matched rows");
                return ExitCode.JOB_FAILED;
            }
            if (result.count("rejected") > 0 && !quarantine) {
                err.println("xent: invalid row, nothing written: " + result.examples("rejected").get(0)
                        + (result.count("rejected") > 1 ? " (and " + (result.count("rejected") - 1) + " more)" : "")
                        + "; --on-invalid quarantine counts them as rejected");
                return ExitCode.JOB_FAILED;
            }
            String text = SummaryJson.text(ComparisonJson.of(result, optionInfo(options), inputInfo(two)));
            out.print(text);
            out.flush();
            if (folder != null) {
                folder.writeText("comparison.json", text);
                if (report) {
                    folder.writeText("report.html", ComparisonReport.of(result, inputInfo(two)));
                }
                folder.commit();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            err.println(String.format(Locale.ROOT, "xent: %d rows compared, %d ignored, %d rejected, %d keys "
                    + "unmatched, in %.1f s", result.total().rows(), result.count("ignored"), result.count("rejected"),
                    result.unmatched(), seconds) + (folder != null ? "; wrote " + folder.path() : ""));
            return ExitCode.OK;
        } catch (UsageException | InputSchemaException e) {
            err.println("xent: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (Exception e) { // Spark throws checked exceptions undeclared
            err.println("xent: comparison failed, nothing written: " + EvaluateCommand.firstLine(e));
            return ExitCode.JOB_FAILED;
        } finally {
            if (folder != null) {
                folder.close();
            }
        }
    }

    /** True for the two-dataset form; checks that exactly one form is given. */
    private boolean checkForm() {
        boolean two = baselinePath != null || candidatePath != null;
        if (two && input != null) {
            throw new UsageException("--input: give either --input (one dataset with both models' outputs) or "
                    + "--baseline and --candidate, not both");
        }
        if (two) {
            if (baselinePath == null || candidatePath == null) {
                throw new UsageException((baselinePath == null ? "--baseline" : "--candidate")
                        + ": required with " + (baselinePath == null ? "--candidate" : "--baseline"));
            }
            if (list(joinOn).isEmpty()) {
                throw new UsageException("--join-on: required with --baseline and --candidate; give the key "
                        + "column(s) that pair their rows");
            }
            return true;
        }
        if (input == null) {
            throw new UsageException("--baseline and --candidate (or --input): required; give the two models' outputs");
        }
        if (baselineLogitsColumn == null || candidateLogitsColumn == null) {
            throw new UsageException("--baseline-logits-col and --candidate-logits-col: required with --input; "
                    + "name the two models' logits columns");
        }
        return false;
    }

    private static boolean policy(String option, String value, String first, String second) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals(first) && !v.equals(second)) {
            throw new UsageException(option + ": expected " + first + " or " + second + " but got '" + value + "'");
        }
        return v.equals(second);
    }

    private static String unmatched(ComparisonResult r) {
        StringBuilder s = new StringBuilder();
        String[][] parts = {{"only_in_baseline", "only in the baseline"}, {"only_in_candidate", "only in the candidate"},
            {"duplicate_keys_baseline", "duplicated in the baseline"},
            {"duplicate_keys_candidate", "duplicated in the candidate"}};
        for (String[] p : parts) {
            long n = r.count(p[0]);
            if (n > 0) {
                s.append(s.length() == 0 ? "" : "; ").append(n).append(n == 1 ? " key " : " keys ").append(p[1])
                        .append(" (").append(String.join(", ", r.examples(p[0]))).append(n > r.examples(p[0]).size()
                        ? ", ...)" : ")");
            }
        }
        return s.toString();
    }

    private CrossEntropyOptions options() {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder().ignoreIndex(ignoreIndex);
        if (inputKind != null) {
            try {
                b.inputKind(InputKind.parse(inputKind));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--input-kind: expected logits, log-probs or probabilities but got '"
                        + inputKind + "'");
            }
        }
        if (weight != null && !weight.isEmpty()) {
            b.weight(weight.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (classes != null) {
            if (classes < 1) {
                throw new UsageException("--classes: expected at least 1 but got " + classes);
            }
            b.classes(classes);
        }
        try {
            b.labelSmoothing(labelSmoothing);
            return b.build();
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().startsWith("label_smoothing") ? "--label-smoothing" : "--weight";
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    private LogitsEncoding encoding() {
        try {
            return logitsEncoding == null ? null : LogitsEncoding.parse(logitsEncoding);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--logits-encoding: expected fp16, bf16 or fp32 but got '" + logitsEncoding + "'");
        }
    }

    private SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().appName("xent compare");
        SparkSettings.of(master, System.getProperty("spark.master"), sparkConf).forEach(b::config);
        return b.getOrCreate();
    }

    private Dataset<Row> read(SparkSession spark, String option, String path, String sideFormat) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new UsageException(option + ": no such file or folder: " + path);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(option + ": cannot read " + path + ": " + e.getMessage());
        }
        InputFormat f = InputFormat.of(sideFormat != null ? sideFormat : format, path);
        try {
            return f.reader(spark).load(path);
        } catch (Exception e) { // Spark's AnalysisException is checked, thrown undeclared
            throw new UsageException(option + ": cannot read " + path + " as " + f.sparkName() + ": "
                    + EvaluateCommand.readFailure(e));
        }
    }

    private Map<String, Object> inputInfo(boolean two) {
        Map<String, Object> info = new LinkedHashMap<>();
        if (two) {
            info.put("baseline", baselinePath);
            info.put("candidate", candidatePath);
        } else {
            info.put("input", input);
        }
        info.put("join_on", list(joinOn));
        info.put("baseline_logits_col", baselineLogitsColumn != null ? baselineLogitsColumn : logitsColumn);
        info.put("candidate_logits_col", candidateLogitsColumn != null ? candidateLogitsColumn : logitsColumn);
        info.put("target_col", targetColumn);
        info.put("group_by", list(groupBy));
        return info;
    }

    private Map<String, Object> optionInfo(CrossEntropyOptions o) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("weight", o.hasWeight() ? toList(o.weight()) : null);
        info.put("ignore_index", o.ignoreIndex());
        info.put("label_smoothing", o.labelSmoothing());
        info.put("input_kind", o.inputKind().name().toLowerCase(Locale.ROOT));
        info.put("on_unmatched", onUnmatched.trim().toLowerCase(Locale.ROOT));
        info.put("on_invalid", onInvalid.trim().toLowerCase(Locale.ROOT));
        return info;
    }

    private static List<Double> toList(double[] v) {
        List<Double> out = new ArrayList<>();
        for (double x : v) {
            out.add(x);
        }
        return out;
    }

    private static List<String> list(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            for (String v : values) {
                if (!v.isBlank()) {
                    out.add(v.trim());
                }
            }
        }
        return out;
    }
}
