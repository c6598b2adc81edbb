package dev.xent.cli;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.InputKind;
import dev.xent.core.InvalidRowException;
import dev.xent.core.Reduction;
import dev.xent.report.HtmlReport;
import dev.xent.report.SummaryJson;
import dev.xent.spark.Evaluation;
import dev.xent.spark.InputColumns;
import dev.xent.spark.InputSchemaException;
import dev.xent.spark.ReaderBatch;
import dev.xent.spark.RowPolicy;
import dev.xent.spark.TooManyRejectedException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code xent evaluate}: PyTorch's cross-entropy over a dataset of model outputs, computed by Spark. */
@Command(name = "evaluate", mixinStandardHelpOptions = false, sortOptions = false, usageHelpAutoWidth = true,
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

    @Mixin
    HelpOptions help; // -h/--help and -V: --version is Delta time travel, in InputOptions

    @Mixin
    InputOptions input;

    @Mixin
    LossOptions loss;

    @Mixin
    FigureOptions figures;

    @Mixin
    RowPolicyOptions rowPolicy;

    @Mixin
    OutputOptions output;

    @Mixin
    SparkOptions spark;

    /** The group-by columns' types, for the state file ({@code --state}); learnt from the input's schema. */
    private List<String> groupTypes;

    /** What the options ask for, checked before Spark starts. */
    private record Request(CrossEntropyOptions options, String rowsFormat, RejectionLimit limit, RowPolicy policy) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OutputFolder folder = null;
        long started = System.nanoTime();
        try {
            Request request = parse();
            folder = output.claim(input.path(), spark.sparkConf());
            EvaluationResult result = run(request, folder);
            write(request, result, folder, out);
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
            err.println("xent: evaluation failed, nothing written: " + InputOptions.firstLine(e));
            return ExitCode.JOB_FAILED;
        } finally {
            if (folder != null) {
                folder.close();
            }
        }
    }

    /** Checks every option that can be checked without Spark; a usage error names the first one at fault. */
    private Request parse() {
        CrossEntropyOptions options = loss.options();
        TargetLogProbCheck.check(options.inputKind(), options.labelSmoothing(), figures.metrics, figures.perClass,
                input.logitsEncoding, input.maskColumn, input.tokenWeightColumn);
        input.path();
        input.inputFormat();
        String rowsFormat = output.rowsFormat();
        if (options.reduction() == Reduction.NONE) {
            output.require("--reduction none writes one loss per row");
        }
        input.partitions();
        output.state();
        if (figures.report()) {
            output.require("--report writes DIR/report.html");
        }
        RejectionLimit limit = rowPolicy.limit();
        RowPolicy policy = rowPolicy.policy(limit);
        if (policy.rejectsAny()) {
            output.require(rowPolicy.rejectingOption() + " writes rejected rows to DIR/rejected");
        }
        return new Request(options, rowsFormat, limit, policy);
    }

    /**
     * Reads the input and evaluates it; writes the per-row and rejected rows into {@code folder}'s staging. C, when
     * the options do not give it, is the first row's length: known from a small JSON file's sample, else guessed from
     * Parquet footers ({@link ParquetFooterLengths}: checked, and the run made again with the first row read by a
     * job if the guess was wrong), else read by a job.
     */
    private EvaluationResult run(Request request, OutputFolder folder) {
        SparkSession session = spark.session("xent evaluate", input.sessionSettings(spark.local()));
        input.checkExists(session);
        Dataset<Row> df = input.read(session);
        Map<String, Integer> known = input.firstRowLengths(); // a small JSON file's C, known without a job
        CrossEntropyOptions options = request.options();
        Map<String, Integer> guessed = known.isEmpty() && options.knownClasses() == 0
                && options.reduction() != Reduction.NONE && options.inputKind() != InputKind.TARGET_LOG_PROBABILITIES
                ? input.footerLengths(session) : Map.of();
        try {
            return run(request, folder, session, df, known.isEmpty() ? guessed : known, !guessed.isEmpty());
        } catch (WrongGuess e) {
            return run(request, folder, session, df, Map.of(), false);
        }
    }

    /** {@link #run(Request, OutputFolder)} with the first rows' lengths given ({@code guessed}: to be checked). */
    private EvaluationResult run(Request request, OutputFolder folder, SparkSession session, Dataset<Row> df,
            Map<String, Integer> firstRowLengths, boolean guessed) {
        CrossEntropyOptions options = request.options();
        Evaluation evaluation = evaluation(request, df, session, firstRowLengths);
        InputColumns columns = evaluation.checkColumns();
        boolean guessUsed = guessed && firstRowLengths.containsKey(columns.logitsName());
        groupTypes = output.state() ? StateFile.groupTypes(df.schema(), figures.groupBy()) : null;
        evaluation.figures(figures.figures(columns));
        Map<String, String> conf = spark.sparkConf();
        if (options.knownClasses() == 0) {
            ReaderBatch.set(session, 1, conf); // the first row, read to learn C, may be wide
        }
        int classes = evaluation.classes(columns); // a job reading the first row, unless C is known
        ReaderBatch.set(session, ReaderBatch.rows(columns.isSequence() ? ReaderBatch.sequenceLogits(classes)
                : classes), conf);
        EvaluationResult result;
        try {
            if (options.reduction() == Reduction.NONE) {
                writeRows(evaluation, folder.staged("rows"), request.rowsFormat());
            }
            result = evaluation.run();
        } catch (InvalidRowException | TooManyRejectedException e) {
            checkAssumedClasses(request, session, conf, evaluation, df, columns, guessUsed);
            throw e;
        }
        if (result.total().rejected() > 0) {
            checkAssumedClasses(request, session, conf, evaluation, df, columns, guessUsed);
        }
        request.limit().check(result.total());
        if (request.policy().rejectsAny() && result.total().rejected() > 0) {
            writeRejected(session, evaluation, folder.staged("rejected"), request.rowsFormat(),
                    result.total().rejected());
        }
        return result;
    }

    /** The evaluation the options ask for, over {@code df}, with the first rows' lengths given (may be empty). */
    private Evaluation evaluation(Request request, Dataset<Row> df, SparkSession session,
            Map<String, Integer> firstRowLengths) {
        return Evaluation.of(df)
                .logitsColumn(input.logitsColumn)
                .targetColumn(input.targetColumn)
                .options(request.options())
                .groupBy(figures.groupBy())
                .idColumns(input.idColumns())
                .partitions(input.partitions())
                .rowPolicy(request.policy())
                .logitsEncoding(input.encoding())
                .sequenceCounts(input.bytesColumn, input.wordsColumn)
                .tokenColumns(input.maskColumn, input.tokenWeightColumn)
                .singleFileReader(input.singleFileReader(session, df.schema()))
                .firstRowLengths(firstRowLengths);
    }

    /** Prints the summary and, with an output folder, writes it (and the report) and commits the folder. */
    private void write(Request request, EvaluationResult result, OutputFolder folder, PrintWriter out) {
        Map<String, Object> inputInfo = input.inputInfo();
        Map<String, Object> columnInfo = input.columnInfo(figures.groupBy());
        String summary = SummaryJson.text(SummaryJson.of(result, request.options(), inputInfo, columnInfo));
        if (output.state()) {
            folder.writeBytes(StateFile.NAME, StateFile.of(result, request.options(), inputInfo, columnInfo,
                    figures.groupBy(), groupTypes).toBytes());
        }
        if (figures.report()) {
            folder.writeText("report.html", HtmlReport.of(result, request.options(), inputInfo, columnInfo));
        }
        out.print(summary);
        out.flush();
        if (folder != null) {
            folder.writeText("summary.json", summary);
            folder.commit();
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

    /**
     * Checks the C a run assumed against the first row's length, read by a job: a usage error when {@code --classes}
     * or {@code --weight} gives another; {@link WrongGuess} when C was guessed from Parquet footers ({@code guessed})
     * and is another. Asked only when rows were invalid or rejected (a row of another length is), so a run whose rows
     * all fit C reads no first row: every row then has that length, the first row's too.
     */
    private void checkAssumedClasses(Request request, SparkSession session, Map<String, String> conf,
            Evaluation evaluation, Dataset<Row> df, InputColumns columns, boolean guessed) {
        CrossEntropyOptions options = request.options();
        int known = options.knownClasses();
        if (known == 0 && !guessed) {
            return;
        }
        ReaderBatch.set(session, 1, conf); // the first row may be wide
        if (guessed) {
            int first = evaluation(request, df, session, Map.of()).firstRowClasses(columns);
            if (first != evaluation.firstRowClasses(columns)) {
                throw new WrongGuess();
            }
            return;
        }
        int first = evaluation.firstRowClasses(columns);
        if (first > 0 && first != known) {
            String option = options.classes() > 0 ? "--classes" : "--weight";
            throw new UsageException(option + ": gives " + known + " classes but the first row of column '"
                    + columns.logitsName() + "' has " + first + " values");
        }
    }

    /** C guessed from Parquet footers is not the first row's length: the run is made again without the guess. */
    private static final class WrongGuess extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrongGuess() {
            super(null, null, false, false);
        }
    }

    private static void writeRows(Evaluation evaluation, String path, String rowsFormat) {
        try {
            evaluation.perRowLosses().write().format(rowsFormat).save(path);
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw evaluation.nameInvalidRow(e);
        }
    }
}
