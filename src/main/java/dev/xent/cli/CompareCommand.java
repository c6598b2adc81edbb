package dev.xent.cli;

import dev.xent.core.ComparisonResult;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.PoissonBootstrap;
import dev.xent.core.Reduction;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code xent compare}: is the candidate model better than the baseline, by how much, and where? The paired
 * difference of their mean losses on the same rows, with its standard error, interval, z and p-value, per group.
 */
@Command(name = "compare", mixinStandardHelpOptions = false, sortOptions = false, usageHelpAutoWidth = true,
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

    @Mixin
    HelpOptions help; // -h/--help and -V: --version is Delta time travel, in InputOptions

    /** --input (the one-dataset form), --format, --logits-col, --logits-encoding, --target-col, --partitions. */
    @Mixin
    InputOptions in = new InputOptions();

    @Mixin
    LossOptions loss = new LossOptions();

    /** --output and --overwrite (--output-format has no rows to format here). */
    @Mixin
    OutputOptions out = new OutputOptions();

    /** --master, --config, --conf. */
    @Mixin
    SparkOptions sparkOptions = new SparkOptions();

    @Option(names = "--baseline", paramLabel = "PATH", description = "The baseline model's outputs (with "
            + "--candidate and --join-on).")
    String baselinePath;

    @Option(names = "--candidate", paramLabel = "PATH", description = "The candidate model's outputs.")
    String candidatePath;

    @Option(names = "--join-on", paramLabel = "COL", split = ",", description = "Key columns that pair the rows of "
            + "--baseline and --candidate; with --input, optional row identity (for --bootstrap and messages).")
    List<String> joinOn;

    @Option(names = "--baseline-format", paramLabel = "FORMAT", description = "Format of --baseline (default: "
            + "--format).")
    String baselineFormat;

    @Option(names = "--candidate-format", paramLabel = "FORMAT", description = "Format of --candidate (default: "
            + "--format).")
    String candidateFormat;

    @Option(names = "--baseline-logits-col", paramLabel = "COL", description = "The baseline's logits column "
            + "(default: --logits-col).")
    String baselineLogitsColumn;

    @Option(names = "--candidate-logits-col", paramLabel = "COL", description = "The candidate's logits column "
            + "(default: --logits-col).")
    String candidateLogitsColumn;

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

    @Option(names = "--report", defaultValue = "false", description = "Also write DIR/report.html: the figures, "
            + "the difference with its interval per group, the histogram of per-row differences and baseline against "
            + "candidate loss as a binned 2-D histogram (default: ${DEFAULT-VALUE}).")
    boolean report;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputFolder folder = null;
        long started = System.nanoTime();
        try {
            CrossEntropyOptions options = loss.options();
            TargetLogProbCheck.check(options.inputKind(), options.labelSmoothing(), false, false, in.logitsEncoding,
                    in.maskColumn, in.tokenWeightColumn);
            if (options.reduction() != Reduction.MEAN) {
                throw new UsageException("--reduction: compare gives each side's mean and sum; got '"
                        + loss.reduction + "'");
            }
            for (String[] unused : new String[][] {{"--bytes-col", in.bytesColumn}, {"--words-col", in.wordsColumn}}) {
                if (unused[1] != null) {
                    throw new UsageException(unused[0] + ": compare does not give bits per byte or word yet");
                }
            }
            if (!in.idColumns().isEmpty()) {
                throw new UsageException("--id-cols: compare identifies rows by --join-on");
            }
            boolean two = checkForm();
            boolean dropUnmatched = policy("--on-unmatched", onUnmatched, "fail", "drop");
            boolean quarantine = policy("--on-invalid", onInvalid, "fail", "quarantine");
            if (bootstrap < 0) {
                throw new UsageException("--bootstrap: expected 0 or more replicates but got " + bootstrap);
            }
            int partitions = in.partitions();
            LogitsEncoding encoding = in.encoding();
            if (report) {
                out.require("--report writes DIR/report.html");
            }
            boolean state = out.state();
            Map<String, String> sparkConf = sparkOptions.sparkConf();
            folder = out.claim(two ? baselinePath : in.input, sparkConf);
            if (two && folder != null) {
                OutputGuard.check(out.path(), candidatePath, OutputFolder.hadoop(sparkConf));
            }
            SparkSession spark = sparkOptions.session("xent compare");
            Comparison comparison;
            Dataset<Row> groupSource;
            if (two) {
                groupSource = read(spark, "--baseline", baselinePath, baselineFormat);
                Dataset<Row> c = read(spark, "--candidate", candidatePath, candidateFormat);
                comparison = Comparison.of(groupSource, c, InputOptions.list(joinOn));
            } else {
                in.checkExists(spark); // the one-dataset form reads as evaluate does (--table, --where, Delta)
                groupSource = in.read(spark);
                comparison = Comparison.of(groupSource, InputOptions.list(joinOn));
            }
            List<String> groupTypes = state ? groupTypes(groupSource) : null;
            ComparisonResult result = comparison
                    .baselineLogitsColumn(baselineLogitsColumn != null ? baselineLogitsColumn : in.logitsColumn)
                    .candidateLogitsColumn(candidateLogitsColumn != null ? candidateLogitsColumn : in.logitsColumn)
                    .targetColumn(in.targetColumn)
                    .options(options)
                    .groupBy(InputOptions.list(groupBy))
                    .partitions(partitions)
                    .logitsEncoding(encoding)
                    .tokenColumns(in.maskColumn, in.tokenWeightColumn)
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
            stdout.print(text);
            stdout.flush();
            if (folder != null) {
                folder.writeText("comparison.json", text);
                if (report) {
                    folder.writeText("report.html", ComparisonReport.of(result, inputInfo(two)));
                }
                if (state) {
                    Map<String, Object> settings = new LinkedHashMap<>();
                    settings.put("classes", options.classes());
                    settings.put("logits_encoding", String.valueOf(encoding));
                    folder.writeBytes(StateFile.NAME, new ComparisonStateFile(inputInfo(two), optionInfo(options),
                            settings, bootstrap > 0 ? new PoissonBootstrap(bootstrap, seed) : null,
                            InputOptions.list(groupBy), groupTypes, result).toBytes());
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
            err.println("xent: comparison failed, nothing written: " + InputOptions.firstLine(e));
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
        if (two && (in.input != null || in.source.table != null)) {
            throw new UsageException("--input: give either --input (one dataset with both models' outputs) or "
                    + "--baseline and --candidate, not both");
        }
        if (two) {
            if (baselinePath == null || candidatePath == null) {
                throw new UsageException((baselinePath == null ? "--baseline" : "--candidate")
                        + ": required with " + (baselinePath == null ? "--candidate" : "--baseline"));
            }
            if (InputOptions.list(joinOn).isEmpty()) {
                throw new UsageException("--join-on: required with --baseline and --candidate; give the key "
                        + "column(s) that pair their rows");
            }
            return true;
        }
        if (in.input == null && in.source.table == null) {
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
        InputFormat f = InputFormat.of(sideFormat != null ? sideFormat : in.format, path);
        try {
            return f.reader(spark).load(path);
        } catch (Exception e) { // Spark's AnalysisException is checked, thrown undeclared
            throw new UsageException(option + ": cannot read " + path + " as " + f.sparkName() + ": "
                    + InputOptions.readFailure(e));
        }
    }

    /** The group-by columns' types for the state file; a missing column is left to the comparison's own check. */
    private List<String> groupTypes(Dataset<Row> source) {
        List<String> names = InputOptions.list(groupBy);
        for (String name : names) {
            if (!java.util.Arrays.asList(source.schema().fieldNames()).contains(name)) {
                return null; // the run names the missing column first
            }
        }
        return StateFile.groupTypes(source.schema(), names);
    }

    private Map<String, Object> inputInfo(boolean two) {
        Map<String, Object> info = new LinkedHashMap<>();
        if (two) {
            info.put("baseline", baselinePath);
            info.put("candidate", candidatePath);
        } else {
            info.put("input", in.input);
        }
        info.put("join_on", InputOptions.list(joinOn));
        info.put("baseline_logits_col", baselineLogitsColumn != null ? baselineLogitsColumn : in.logitsColumn);
        info.put("candidate_logits_col", candidateLogitsColumn != null ? candidateLogitsColumn : in.logitsColumn);
        info.put("target_col", in.targetColumn);
        if (in.maskColumn != null || in.tokenWeightColumn != null) {
            info.put("mask_col", in.maskColumn);
            info.put("token_weight_col", in.tokenWeightColumn);
        }
        info.put("group_by", InputOptions.list(groupBy));
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
}
