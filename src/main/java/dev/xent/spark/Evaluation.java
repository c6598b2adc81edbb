package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.LossState;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * One evaluation of a DataFrame of model outputs, the public entry point (the Java API, the CLI, the MLlib evaluator
 * and {@code compare} call it): its setters say what is asked ({@link EvaluationSpec}); {@link #run()} checks the
 * columns, learns C, then runs one scan that yields every figure (mean, sum, counts), per group when asked
 * ({@link StateScan}). {@link #perRowLosses()} gives each row's loss ({@link PerRowLosses}). The numbers come from
 * the core; these classes only plan the Spark work.
 *
 * <p>Invalid rows fail the job (PyTorch raises) with an {@link InvalidRowException} that names the first invalid
 * row ({@link InvalidRowNamer}), unless a quarantine {@link RowPolicy} counts them as rejected
 * ({@link #rejectedRows()} lists them with their reason). Column problems throw {@link InputSchemaException} before
 * any job runs. The scan also counts the rows it reads and checks {@code rows = scored + ignored + rejected} before
 * returning.
 */
public final class Evaluation {
    private final Dataset<Row> input;
    private String logitsColumn = "logits";
    private String targetColumn = "target";
    private CrossEntropyOptions options = CrossEntropyOptions.defaults();
    private List<String> groupBy = List.of();
    private List<String> idColumns = List.of();
    private int partitions;
    private RowPolicy policy = RowPolicy.FAIL;
    private LogitsEncoding encoding;
    private String bytesColumn;
    private ExtraFigures figures = ExtraFigures.NONE;
    private String wordsColumn;
    private String maskColumn;
    private String tokenWeightColumn;
    private Function<String, Dataset<Row>> singleFileReader;
    private Map<String, Integer> firstRowLengths = Map.of();
    private EvaluationSpec spec;

    private Evaluation(Dataset<Row> input) {
        this.input = Objects.requireNonNull(input, "input");
    }

    public static Evaluation of(Dataset<Row> input) {
        return new Evaluation(input);
    }

    public Evaluation logitsColumn(String name) {
        this.logitsColumn = name;
        spec = null;
        return this;
    }

    public Evaluation targetColumn(String name) {
        this.targetColumn = name;
        spec = null;
        return this;
    }

    public Evaluation options(CrossEntropyOptions options) {
        this.options = options;
        spec = null;
        return this;
    }

    public Evaluation groupBy(List<String> columns) {
        this.groupBy = List.copyOf(columns);
        spec = null;
        return this;
    }

    /** Columns that identify a row in error messages (and, for per-row output, the columns kept). */
    public Evaluation idColumns(List<String> columns) {
        this.idColumns = List.copyOf(columns);
        spec = null;
        return this;
    }

    /** Repartitions the input into {@code n} partitions first (0: leave it). */
    public Evaluation partitions(int n) {
        this.partitions = n;
        spec = null;
        return this;
    }

    /** Counts invalid rows as rejected (no limit) instead of failing: {@code RowPolicy.quarantine(false, -1)}. */
    public Evaluation rejectInvalid(boolean reject) {
        this.policy = reject ? RowPolicy.quarantine(false, -1) : RowPolicy.FAIL;
        spec = null;
        return this;
    }

    /** How a binary logits column is packed (fp16, bf16, fp32); null (the default) for other column types. */
    public Evaluation logitsEncoding(LogitsEncoding encoding) {
        this.encoding = encoding;
        spec = null;
        return this;
    }

    /** For language-model rows: columns giving each sequence's byte and word counts (either may be null). */
    public Evaluation sequenceCounts(String bytes, String words) {
        this.bytesColumn = bytes;
        this.wordsColumn = words;
        spec = null;
        return this;
    }

    /** For target-log-probs rows: the token mask and token weight columns (either may be null). */
    public Evaluation tokenColumns(String mask, String weights) {
        this.maskColumn = mask;
        this.tokenWeightColumn = weights;
        spec = null;
        return this;
    }

    /** Figures to gather in the same scan beyond the loss (class-index rows). */
    public Evaluation figures(ExtraFigures extra) {
        this.figures = Objects.requireNonNull(extra, "figures");
        spec = null;
        return this;
    }

    public Evaluation rowPolicy(RowPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        spec = null;
        return this;
    }

    /** Reads one file of the input alone, in order, so an invalid row can be named by its position in the file. */
    public Evaluation singleFileReader(Function<String, Dataset<Row>> reader) {
        this.singleFileReader = reader;
        spec = null;
        return this;
    }

    /**
     * Per logits column (its exact name), the length of the first row that has logits, when the caller knows it
     * without reading the input (the CLI's sample of a small JSON file): then C is learned without a job. It must be
     * what that job would find, the first row in the input's order whose length is over 0 (0: none has).
     */
    public Evaluation firstRowLengths(Map<String, Integer> lengths) {
        this.firstRowLengths = Map.copyOf(lengths);
        spec = null;
        return this;
    }

    public CrossEntropyOptions options() {
        return options;
    }

    /** What is asked, as one immutable spec; made again after a setter changes it. */
    private EvaluationSpec spec() {
        if (spec == null) {
            spec = new EvaluationSpec(input, logitsColumn, targetColumn, options, groupBy, idColumns, partitions,
                    policy, encoding, bytesColumn, wordsColumn, maskColumn, tokenWeightColumn, figures,
                    singleFileReader, firstRowLengths);
        }
        return spec;
    }

    /**
     * Checks every named column against the schema.
     *
     * @throws InputSchemaException naming the column and the schema found
     */
    public InputColumns checkColumns() {
        return spec().checkColumns();
    }

    /** C: the options' class count or weight length, else the length of the first row with logits (0: none). */
    public int classes(InputColumns columns) {
        return spec().classes(columns);
    }

    /**
     * The length of the first row that has logits (0 when none has): a small job reading one row, run once per
     * evaluation (checks, per-row losses, the scan and error naming all ask for it).
     */
    public int firstRowClasses(InputColumns columns) {
        return spec().firstRowClasses(columns);
    }

    /** Runs the evaluation: one scan ({@link StateScan}). */
    public EvaluationResult run() {
        EvaluationSpec spec = spec();
        if (spec.targetLogProbs()) {
            return spec.targetLogProbEvaluation().run();
        }
        InputColumns columns = spec.checkColumns();
        figures.make(columns.targets(), columns.isSequence(), columns.targetName()); // refuses figures not defined
        return StateScan.run(spec, columns, spec.classes(columns));
    }

    /**
     * The rows a quarantine policy rejects: every input column and {@code reason}. Lazy; the same decisions as
     * the aggregate's, so its count equals {@link LossState#rejected()}.
     */
    public Dataset<Row> rejectedRows() {
        EvaluationSpec spec = spec();
        if (spec.targetLogProbs()) {
            return spec.targetLogProbEvaluation().rejectedRows();
        }
        InputColumns columns = spec.checkColumns();
        int classes = Math.max(1, spec.classes(columns));
        Column reason = functions.udf(new RowProblemFunction(options, classes, policy.rejectNonFinite(), encoding),
                DataTypes.StringType).apply(columns.logitsArray(), columns.target());
        return input.withColumn("reason", reason).where(col("reason").isNotNull());
    }

    /**
     * The per-row losses ({@code reduction='none'}, see {@link PerRowLosses}): the id columns (else every input
     * column but the logits) and {@code loss}. Lazy: invalid rows fail the job that reads it (see
     * {@link #nameInvalidRow}).
     */
    public Dataset<Row> perRowLosses() {
        EvaluationSpec spec = spec();
        if (spec.targetLogProbs()) {
            return spec.targetLogProbEvaluation().perRowLosses();
        }
        InputColumns columns = spec.checkColumns();
        return PerRowLosses.of(spec, columns, spec.classes(columns));
    }

    /**
     * If {@code failure} was caused by an invalid row, the core's error naming that row (found again, see
     * {@link InvalidRowLocator}); else {@code failure} itself.
     */
    public RuntimeException nameInvalidRow(Exception failure) {
        EvaluationSpec spec = spec();
        if (spec.targetLogProbs()) {
            return spec.targetLogProbEvaluation().nameInvalidRow(failure);
        }
        InputColumns columns = spec.checkColumns();
        return InvalidRowNamer.named(failure, spec, columns, Math.max(1, spec.classes(columns)));
    }

    /** See {@link InvalidRowNamer#named(Exception, Supplier)}: shared by every evaluation path. */
    static RuntimeException named(Exception failure, Supplier<InvalidRowLocator> locator) {
        return InvalidRowNamer.named(failure, locator);
    }

    /** The core's invalid-row error among the causes of {@code t}, or null. */
    static InvalidRowException findInvalidRow(Throwable t) {
        return InvalidRowNamer.find(t, InvalidRowException.class);
    }
}
