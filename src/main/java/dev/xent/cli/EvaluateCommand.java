package dev.xent.cli;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.InputKind;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.Reduction;
import dev.xent.report.HtmlReport;
import dev.xent.report.SummaryJson;
import dev.xent.spark.Evaluation;
import dev.xent.spark.ExtraFigures;
import dev.xent.spark.InputColumns;
import dev.xent.spark.InputSchemaException;
import dev.xent.spark.RowPolicy;
import dev.xent.spark.TooManyRejectedException;
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

/** {@code xent evaluate}: PyTorch's cross-entropy over a dataset of model outputs, computed by Spark. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = Main.Version.class,
        description = {"Evaluates PyTorch's CrossEntropyLoss (or NLLLoss) over every row of a dataset as one batch,",
            "per group and per row; prints the summary as JSON and writes it to --output."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the evaluation ran; its outputs are written",
            "1:the job failed: an invalid row (named in the message) or a Spark failure",
            "2:nothing ran: a bad option, a missing input, a missing column or one of the wrong type"})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "PATH", description = "Input file, folder or glob; any Hadoop path "
            + "(file:, hdfs:, s3a:). Required.")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT", description = "parquet, json, csv or orc (default: from the "
            + "file extension, else parquet).")
    String format;

    @Option(names = "--logits-col", paramLabel = "COL", defaultValue = "logits", description = "Logits column: "
            + "array<float>, array<double>, vector, or (CSV) a string of numbers (default: ${DEFAULT-VALUE}).")
    String logitsColumn;

    @Option(names = "--logits-encoding", paramLabel = "ENC", description = "For a binary logits column: fp16, bf16 "
            + "or fp32, packed little-endian as numpy/torch .tobytes() write them (default: none).")
    String logitsEncoding;

    @Option(names = "--target-col", paramLabel = "COL", defaultValue = "target", description = "Target column: "
            + "an integer class index or an array of probabilities (default: ${DEFAULT-VALUE}).")
    String targetColumn;

    @Option(names = "--weight", paramLabel = "W", split = ",", description = "Class weights w0,w1,... (default: "
            + "none, every class weighs 1).")
    List<Double> weight;

    @Option(names = "--ignore-index", paramLabel = "N", defaultValue = "-100", description = "Target value whose "
            + "rows are ignored (default: ${DEFAULT-VALUE}).")
    long ignoreIndex;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0.0", description = "Label smoothing "
            + "in [0, 1] (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--log-probs", defaultValue = "false", description = "The logits column holds "
            + "log-probabilities: NLLLoss; the same as --input-kind log-probs (default: ${DEFAULT-VALUE}).")
    boolean logProbs;

    @Option(names = "--input-kind", paramLabel = "KIND", description = "What the logits column holds: logits, "
            + "log-probs (NLLLoss), probabilities (NLLLoss of their log) or target-log-probs (each token's target "
            + "log-probability only: an array per sequence, or one number per row) (default: logits).")
    String inputKind;

    @Option(names = "--mask-col", paramLabel = "COL", description = "--input-kind target-log-probs: a column of "
            + "booleans or 0/1, one per token, true for the tokens to score (default: none, every token).")
    String maskColumn;

    @Option(names = "--token-weight-col", paramLabel = "COL", description = "--input-kind target-log-probs: a "
            + "column of per-token weights; the mean divides by their sum over the scored tokens (default: none).")
    String tokenWeightColumn;

    @Option(names = "--bytes-col", paramLabel = "COL", description = "Language-model rows: a column with each "
            + "sequence's byte count, for bits per byte (default: none).")
    String bytesColumn;

    @Option(names = "--words-col", paramLabel = "COL", description = "Language-model rows: a column with each "
            + "sequence's word count, for bits per word (default: none).")
    String wordsColumn;

    @Option(names = "--classes", paramLabel = "C", description = "Number of classes (default: the --weight length, "
            + "else the first row's length).")
    Integer classes;

    @Option(names = "--reduction", paramLabel = "R", defaultValue = "mean", description = "mean, sum or none; none "
            + "also writes every row's loss to DIR/rows (default: ${DEFAULT-VALUE}).")
    String reduction;

    @Option(names = "--group-by", paramLabel = "COL", split = ",", description = "Columns whose groups get their "
            + "own mean and sum (default: none).")
    List<String> groupBy;

    @Option(names = "--id-cols", paramLabel = "COL", split = ",", description = "Columns that identify a row: named "
            + "in errors, and the only columns kept beside the loss in DIR/rows (default: every column but the "
            + "logits).")
    List<String> idColumns;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0", description = "Repartition the input into N"
            + " partitions first (default: 0, keep the input's).")
    int partitions;

    @Option(names = "--metrics", defaultValue = "false", description = "Also gather accuracy, top-k accuracy, mean "
            + "entropy and expected calibration error (15 bins) in the same scan (default: ${DEFAULT-VALUE}).")
    boolean metrics;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "5", description = "k of the top-k accuracy "
            + "(default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--per-class", defaultValue = "false", description = "Also gather each target class's rows, loss "
            + "sum and mean (default: ${DEFAULT-VALUE}).")
    boolean perClass;

    @Option(names = "--report", defaultValue = "false", description = "Also write DIR/report.html: one self-contained "
            + "page with the summary, loss histogram and quantiles, best and worst classes, groups and a reliability "
            + "diagram (turns on --metrics and --per-class for class-index rows) (default: ${DEFAULT-VALUE}).")
    boolean report;

    @Option(names = "--on-invalid", paramLabel = "POLICY", defaultValue = "fail", description = "fail: stop at the "
            + "first invalid row and name it (as PyTorch raises); quarantine: write invalid rows with a reason to "
            + "DIR/rejected and go on (default: ${DEFAULT-VALUE}).")
    String onInvalid;

    @Option(names = "--max-rejected", paramLabel = "N", description = "Stop (exit code 1, nothing written) when more "
            + "than N rows, or more than this fraction of the rows if N < 1 (e.g. 0.01), are rejected (default: no "
            + "limit).")
    String maxRejected;

    @Option(names = "--reject-nonfinite", defaultValue = "false", description = "Reject rows whose logits or "
            + "probabilities hold a NaN or an infinity, to DIR/rejected, instead of letting them into the mean "
            + "(default: ${DEFAULT-VALUE}).")
    boolean rejectNonFinite;

    @Option(names = "--output", paramLabel = "DIR", description = "Output folder for summary.json (and rows/); "
            + "written atomically (default: none, print only).")
    String output;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "parquet", description = "parquet or "
            + "json, for DIR/rows (default: ${DEFAULT-VALUE}).")
    String outputFormat;

    @Option(names = "--overwrite", defaultValue = "false", description = "Replace a non-empty output folder "
            + "(default: ${DEFAULT-VALUE}).")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*], or the one "
            + "spark-submit sets).")
    String master;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with the same keys as these "
            + "options (input=..., label-smoothing=...); flags override it.")
    String config;

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
            TargetLogProbCheck.check(options.inputKind(), labelSmoothing, metrics, perClass, logitsEncoding,
                    maskColumn, tokenWeightColumn);
            if (input == null || input.isBlank()) {
                throw new UsageException("--input: required; give the file or folder to evaluate");
            }
            InputFormat inputFormat = InputFormat.of(format, input);
            String rowsFormat = outputFormat.toLowerCase(Locale.ROOT);
            if (!rowsFormat.equals("parquet") && !rowsFormat.equals("json")) {
                throw new UsageException("--output-format: expected parquet or json but got '" + outputFormat + "'");
            }
            if (options.reduction() == Reduction.NONE && output == null) {
                throw new UsageException("--reduction none writes one loss per row: give --output DIR");
            }
            if (partitions < 0) {
                throw new UsageException("--partitions: expected 0 or more but got " + partitions);
            }
            if (report && output == null) {
                throw new UsageException("--report writes DIR/report.html: give --output DIR");
            }
            RejectionLimit limit = RejectionLimit.parse(maxRejected);
            RowPolicy policy = rowPolicy(limit);
            if (policy.rejectsAny() && output == null) {
                throw new UsageException((rejectNonFinite ? "--reject-nonfinite" : "--on-invalid quarantine")
                        + " writes rejected rows to DIR/rejected: give --output DIR");
            }
            if (output != null) {
                folder = OutputFolder.claim(output, input, overwrite, OutputFolder.hadoop(sparkConf));
            }
            SparkSession spark = session();
            checkInputExists(spark);
            Dataset<Row> df = read(spark, inputFormat, input);
            Dataset<Row> schemaSource = df;
            Evaluation evaluation = Evaluation.of(df)
                    .logitsColumn(logitsColumn)
                    .targetColumn(targetColumn)
                    .options(options)
                    .groupBy(list(groupBy))
                    .idColumns(list(idColumns))
                    .partitions(partitions)
                    .rowPolicy(policy)
                    .logitsEncoding(encoding())
                    .sequenceCounts(bytesColumn, wordsColumn)
                    .tokenColumns(maskColumn, tokenWeightColumn)
                    .singleFileReader(f -> inputFormat.reader(spark).schema(schemaSource.schema()).load(f));
            InputColumns columns = evaluation.checkColumns();
            evaluation.figures(figures(columns));
            ReaderBatch.set(spark, 1, sparkConf); // the first row, read to learn C, may be wide
            checkClasses(evaluation, columns, options);
            int classes = evaluation.classes(columns);
            ReaderBatch.set(spark, ReaderBatch.rows(columns.isSequence() ? ReaderBatch.sequenceLogits(classes)
                    : classes), sparkConf);
            if (options.reduction() == Reduction.NONE) {
                writeRows(evaluation, folder.staged("rows"), rowsFormat);
            }
            EvaluationResult result = evaluation.run();
            limit.check(result.total());
            if (policy.rejectsAny() && result.total().rejected() > 0) {
                writeRejected(spark, evaluation, folder.staged("rejected"), rowsFormat, result.total().rejected());
            }
            String summary = SummaryJson.text(SummaryJson.of(result, options, inputInfo(inputFormat),
                    columnInfo()));
            if (report) {
                folder.writeText("report.html", HtmlReport.of(result, options, inputInfo(inputFormat), columnInfo()));
            }
            out.print(summary);
            out.flush();
            if (folder != null) {
                folder.writeText("summary.json", summary);
                folder.commit();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            err.println(accounting(result.total(), seconds) + (folder != null ? "; wrote " + folder.path() : ""));
            return ExitCode.OK;
        } catch (UsageException | InputSchemaException e) {
            err.println("xent: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (InvalidRowException e) {
            err.println("xent: invalid row, nothing written: " + e.getMessage());
            return ExitCode.JOB_FAILED;
        } catch (TooManyRejectedException e) {
            err.println("xent: stopped, nothing written: " + e.getMessage());
            return ExitCode.JOB_FAILED;
        } catch (Exception e) { // Spark throws checked exceptions undeclared
            err.println("xent: evaluation failed, nothing written: " + firstLine(e));
            return ExitCode.JOB_FAILED;
        } finally {
            if (folder != null) {
                folder.close();
            }
        }
    }

    /** The last line: every row accounted for, and the rate. */
    static String accounting(dev.xent.core.LossState total, double seconds) {
        long rows = total.rows();
        if (total.hasSequences()) {
            long tokens = total.scored() + total.ignored();
            return String.format(Locale.ROOT, "xent: %d rows = %d sequences + %d rejected; %d tokens = %d scored + %d "
                    + "ignored, in %.1f s (%.0f tokens/s)", rows, total.sequenceStats().rows(), total.rejected(),
                    tokens, total.scored(), total.ignored(), seconds, tokens / seconds);
        }
        return String.format(Locale.ROOT, "xent: %d rows = %d scored + %d ignored + %d rejected, in %.1f s "
                + "(%.0f rows/s)", rows, total.scored(), total.ignored(), total.rejected(), seconds, rows / seconds);
    }

    /** The figures asked for; a report adds what it shows, where the rows allow it. */
    private ExtraFigures figures(InputColumns columns) {
        if (topK < 1) {
            throw new UsageException("--top-k: expected at least 1 but got " + topK);
        }
        boolean classIndexRows = !columns.isSequence()
                && columns.targets() == dev.xent.core.LossState.Targets.CLASS_INDEX;
        boolean forReport = report && classIndexRows;
        return new ExtraFigures(metrics || forReport, topK, perClass || forReport, report && !columns.isSequence());
    }

    private LogitsEncoding encoding() {
        try {
            return logitsEncoding == null ? null : LogitsEncoding.parse(logitsEncoding);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--logits-encoding: expected fp16, bf16 or fp32 but got '" + logitsEncoding + "'");
        }
    }

    private RowPolicy rowPolicy(RejectionLimit limit) {
        String policy = onInvalid.trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("quarantine")) {
            throw new UsageException("--on-invalid: expected fail or quarantine but got '" + onInvalid + "'");
        }
        return RowPolicy.of(policy.equals("quarantine"), rejectNonFinite, limit.perTaskLimit());
    }

    /** Writes the rejected rows with their reason, and checks that none was lost. */
    private static void writeRejected(SparkSession spark, Evaluation evaluation, String path, String format,
            long expected) {
        evaluation.rejectedRows().write().format(format).save(path);
        long written = spark.read().format(format).load(path).count();
        if (written != expected) {
            throw new IllegalStateException("wrote " + written + " rejected rows but the evaluation rejected "
                    + expected);
        }
    }

    /** {@code --input-kind}, or {@code --log-probs}, its synonym; both given must agree. */
    private InputKind inputKind() {
        if (inputKind == null) {
            return logProbs ? InputKind.LOG_PROBABILITIES : InputKind.LOGITS;
        }
        InputKind kind;
        try {
            kind = InputKind.parse(inputKind);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--input-kind: expected logits, log-probs, probabilities or target-log-probs "
                    + "but got '" + inputKind + "'");
        }
        if (logProbs && kind != InputKind.LOG_PROBABILITIES) {
            throw new UsageException("--log-probs says log-probabilities but --input-kind says '" + inputKind + "'");
        }
        return kind;
    }

    private CrossEntropyOptions options() {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder()
                .ignoreIndex(ignoreIndex)
                .inputKind(inputKind());
        try {
            b.reduction(Reduction.parse(reduction));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
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
        } catch (IllegalArgumentException e) {
            throw new UsageException("--label-smoothing: " + e.getMessage());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().startsWith("label_smoothing") ? "--label-smoothing" : "--weight";
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    private void checkClasses(Evaluation evaluation, InputColumns columns, CrossEntropyOptions options) {
        int known = options.knownClasses();
        if (known == 0) {
            return;
        }
        int first = evaluation.firstRowClasses(columns);
        if (first > 0 && first != known) {
            String option = options.classes() > 0 ? "--classes" : "--weight";
            throw new UsageException(option + ": gives " + known + " classes but the first row of column '"
                    + columns.logitsName() + "' has " + first + " values");
        }
    }

    private SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().appName("xent evaluate");
        SparkSettings.of(master, System.getProperty("spark.master"), sparkConf).forEach(b::config);
        return b.getOrCreate();
    }

    private void checkInputExists(SparkSession spark) {
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new UsageException("--input: no such file or folder: " + input);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("--input: cannot read " + input + ": " + e.getMessage());
        }
    }

    private static Dataset<Row> read(SparkSession spark, InputFormat format, String path) {
        try {
            return format.reader(spark).load(path);
        } catch (Exception e) { // Spark's AnalysisException and SparkException are checked, thrown undeclared
            throw new UsageException("--input: cannot read " + path + " as " + format.sparkName() + ": "
                    + readFailure(e));
        }
    }

    private void writeRows(Evaluation evaluation, String path, String rowsFormat) {
        try {
            evaluation.perRowLosses().write().format(rowsFormat).save(path);
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw evaluation.nameInvalidRow(e);
        }
    }

    private Map<String, Object> inputInfo(InputFormat inputFormat) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("path", input);
        info.put("format", inputFormat.sparkName());
        return info;
    }

    private Map<String, Object> columnInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("logits_col", logitsColumn);
        info.put("target_col", targetColumn);
        if (maskColumn != null || tokenWeightColumn != null) {
            info.put("mask_col", maskColumn);
            info.put("token_weight_col", tokenWeightColumn);
        }
        info.put("logits_encoding", logitsEncoding == null ? null : encoding().name().toLowerCase(Locale.ROOT));
        info.put("group_by", list(groupBy));
        info.put("id_cols", list(idColumns));
        info.put("partitions", partitions);
        return info;
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

    /**
     * Why reading failed, in one line: the message's first line, or, when Spark wrapped the reason in a failed job
     * (Spark 4.0 and 4.1 infer a schema in a job, whose message names exception classes), the innermost cause's.
     */
    static String readFailure(Throwable e) {
        String line = firstLine(e);
        if (!line.contains("Job aborted")) {
            return line;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root);
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
