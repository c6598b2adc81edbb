package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.RowRule;
import dev.xent.core.EvaluationResult;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.LossState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One evaluation of a DataFrame of model outputs: check the columns, learn C, then one scan that yields every figure
 * (mean, sum, counts), per group when asked. The scan reads Spark's internal rows ({@link PartitionScan}: no element
 * is boxed) into one exact state per partition and group; the partial states are merged in a tree, or per group by
 * Spark's group-by ({@link StateMerge}). The numbers come from the core; this class only plans the Spark work.
 *
 * <p>Invalid rows fail the job (PyTorch raises) with an {@link InvalidRowException} that names the first invalid
 * row, unless a quarantine {@link RowPolicy} counts them as rejected ({@link #rejectedRows()} lists them with
 * their reason). Column problems throw {@link InputSchemaException} before any job runs. The scan also counts the
 * rows it reads and checks {@code rows = scored + ignored + rejected} before returning.
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
    private Integer firstRowClasses;
    private String wordsColumn;
    private String maskColumn;
    private String tokenWeightColumn;
    private Function<String, Dataset<Row>> singleFileReader;

    private Evaluation(Dataset<Row> input) {
        this.input = Objects.requireNonNull(input, "input");
    }

    public static Evaluation of(Dataset<Row> input) {
        return new Evaluation(input);
    }

    public Evaluation logitsColumn(String name) {
        this.logitsColumn = name;
        return this;
    }

    public Evaluation targetColumn(String name) {
        this.targetColumn = name;
        return this;
    }

    public Evaluation options(CrossEntropyOptions options) {
        this.options = options;
        return this;
    }

    public Evaluation groupBy(List<String> columns) {
        this.groupBy = List.copyOf(columns);
        return this;
    }

    /** Columns that identify a row in error messages (and, for per-row output, the columns kept). */
    public Evaluation idColumns(List<String> columns) {
        this.idColumns = List.copyOf(columns);
        return this;
    }

    /** Repartitions the input into {@code n} partitions first (0: leave it). */
    public Evaluation partitions(int n) {
        this.partitions = n;
        return this;
    }

    /** Counts invalid rows as rejected (no limit) instead of failing: {@code RowPolicy.quarantine(false, -1)}. */
    public Evaluation rejectInvalid(boolean reject) {
        this.policy = reject ? RowPolicy.quarantine(false, -1) : RowPolicy.FAIL;
        return this;
    }

    /** How a binary logits column is packed (fp16, bf16, fp32); null (the default) for other column types. */
    public Evaluation logitsEncoding(LogitsEncoding encoding) {
        this.encoding = encoding;
        return this;
    }

    /** For language-model rows: columns giving each sequence's byte and word counts (either may be null). */
    public Evaluation sequenceCounts(String bytes, String words) {
        this.bytesColumn = bytes;
        this.wordsColumn = words;
        return this;
    }

    /** For target-log-probs rows: the token mask and token weight columns (either may be null). */
    public Evaluation tokenColumns(String mask, String weights) {
        this.maskColumn = mask;
        this.tokenWeightColumn = weights;
        return this;
    }

    /** Figures to gather in the same scan beyond the loss (class-index rows). */
    public Evaluation figures(ExtraFigures extra) {
        this.figures = Objects.requireNonNull(extra, "figures");
        return this;
    }

    public Evaluation rowPolicy(RowPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Reads one file of the input alone, in order, so an invalid row can be named by its position in the file. */
    public Evaluation singleFileReader(Function<String, Dataset<Row>> reader) {
        this.singleFileReader = reader;
        return this;
    }

    public CrossEntropyOptions options() {
        return options;
    }

    /**
     * Checks every named column against the schema.
     *
     * @throws InputSchemaException naming the column and the schema found
     */
    public InputColumns checkColumns() {
        if (targetLogProbs()) {
            return targetLogProbEvaluation().columns().inputColumns(); // refuses options it cannot take, too
        }
        if (maskColumn != null || tokenWeightColumn != null) {
            throw new InputSchemaException("a token mask or token weight column applies to input kind "
                    + "target-log-probs, but the input kind is " + options.inputKind().name().toLowerCase(
                    java.util.Locale.ROOT));
        }
        InputColumns columns = InputColumns.resolve(input.schema(), logitsColumn, targetColumn, encoding)
                .withCounts(bytesColumn, wordsColumn);
        for (String name : new String[] {bytesColumn, wordsColumn}) {
            if (name != null) {
                InputColumns.field(input.schema(), name, "count");
                if (!columns.isSequence()) {
                    throw new InputSchemaException("byte and word counts apply to language-model rows (sequences), "
                            + "but column '" + columns.logitsName() + "' holds one row of logits each. Schema: "
                            + InputColumns.describe(input.schema()));
                }
            }
        }
        for (String name : groupBy) {
            InputColumns.field(input.schema(), name, "group-by");
        }
        for (String name : idColumns) {
            InputColumns.field(input.schema(), name, "id");
        }
        return columns;
    }

    /** C: the options' class count or weight length, else the length of the first row with logits (0: none). */
    public int classes(InputColumns columns) {
        return RowRule.learnedClasses(options, () -> firstRowClasses(columns));
    }

    /**
     * The length of the first row that has logits (0 when none has): a small job reading one row, run once per
     * evaluation (checks, per-row losses, the scan and error naming all ask for it).
     */
    public int firstRowClasses(InputColumns columns) {
        if (firstRowClasses == null) {
            List<Row> first = ReaderBatch.during(input.sparkSession(), 1, () -> input  // the row may be wide
                    .where(columns.logitsLength().gt(0))
                    .select(columns.logitsLength())
                    .limit(1)
                    .collectAsList());
            firstRowClasses = first.isEmpty() ? 0 : Math.max(0, first.get(0).getInt(0));
        }
        return firstRowClasses;
    }

    private boolean targetLogProbs() {
        return options.inputKind() == dev.xent.core.InputKind.TARGET_LOG_PROBABILITIES;
    }

    private TargetLogProbColumns targetLogProbColumns() {
        TargetLogProbColumns columns = TargetLogProbColumns.resolve(input.schema(), logitsColumn, targetColumn,
                maskColumn, tokenWeightColumn, bytesColumn, wordsColumn);
        for (String name : groupBy) {
            InputColumns.field(input.schema(), name, "group-by");
        }
        for (String name : idColumns) {
            InputColumns.field(input.schema(), name, "id");
        }
        return columns;
    }

    /** This evaluation over target log-probabilities (see {@link TargetLogProbEvaluation}). */
    private TargetLogProbEvaluation targetLogProbEvaluation() {
        return new TargetLogProbEvaluation(input, targetLogProbColumns(), options, groupBy, idColumns, partitions,
                policy, figures, singleFileReader);
    }

    /** Runs the evaluation: one scan. */
    public EvaluationResult run() {
        if (targetLogProbs()) {
            return targetLogProbEvaluation().run();
        }
        InputColumns columns = checkColumns();
        figures.make(columns.targets(), columns.isSequence(), columns.targetName()); // refuses figures not defined
        int classes = classes(columns);
        int batch = ReaderBatch.rows(columns.isSequence() ? ReaderBatch.sequenceLogits(classes) : classes);
        if (classes == 0 && options.classes() == 0) {
            // No row has logits: any row there is must be invalid; C = 1 lets the scan say so (or count it).
            return ReaderBatch.during(input.sparkSession(), batch, () -> scan(columns, 1, 0));
        }
        return ReaderBatch.during(input.sparkSession(), batch, () -> scan(columns, classes, classes));
    }

    private EvaluationResult scan(InputColumns columns, int kernelClasses, int reportedClasses) {
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        LossAggregator<byte[]> aggregator = LossAggregator.exact(options, kernelClasses, columns, policy)
                .withFigures(figures);
        List<Column> scanned = new ArrayList<>();
        groupBy.forEach(n -> scanned.add(col(InputColumns.quote(n))));
        boolean plain = PlainColumnReader.reads(columns);
        scanned.addAll(plain ? List.of(col(InputColumns.quote(columns.logitsName())),
                col(InputColumns.quote(columns.targetName()))) : List.of(columns.aggregateInputs()));
        Dataset<Row> rows = data.select(scanned.toArray(new Column[0]));
        int k = groupBy.size();
        RowReader reader = plain ? new PlainColumnReader(k, kernelClasses, rows.schema().fields()[k].dataType(),
                rows.schema().fields()[k + 1].dataType()) : new EvaluationRowReader(k, kernelClasses);
        StructType partialSchema = new StructType();
        DataType[] keyTypes = new DataType[groupBy.size()];
        for (int i = 0; i < keyTypes.length; i++) {
            StructField key = rows.schema().fields()[i];
            keyTypes[i] = key.dataType();
            partialSchema = partialSchema.add(groupBy.get(i), key.dataType(), key.nullable());
        }
        partialSchema = partialSchema.add("__xent_state", DataTypes.BinaryType).add("__xent_count",
                DataTypes.LongType);
        JavaRDD<Row> partial = rows.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new PartitionScan(aggregator, keyTypes, reader));
        EvaluationResult result;
        long read = 0;
        try {
            if (groupBy.isEmpty()) {
                // One state per partition, merged pairwise in a tree (on the executors when there are many).
                Row row = partial.treeAggregate(RowFactory.create(aggregator.emptyState().toBytes(), 0L),
                        new MergePartials(), new MergePartials(), 2);
                read = row.getLong(1);
                result = new EvaluationResult(LossState.fromBytes((byte[]) row.get(0)), reportedClasses, List.of());
            } else {
                Dataset<Row> partials = input.sparkSession().createDataFrame(partial, partialSchema);
                Column state = functions.udaf(new StateMerge(aggregator), Encoders.BINARY())
                        .apply(col("__xent_state")).as("__xent_state");
                Column count = functions.sum("__xent_count").as("__xent_count");
                Column[] keys = groupBy.stream().map(n -> col(InputColumns.quote(n))).toArray(Column[]::new);
                List<Row> grouped = partials.groupBy(keys).agg(state, count).orderBy(keys).collectAsList();
                LossState total = aggregator.emptyState();
                List<EvaluationResult.Group> groups = new ArrayList<>();
                for (Row row : grouped) {
                    Map<String, Object> key = new LinkedHashMap<>();
                    for (int i = 0; i < groupBy.size(); i++) {
                        key.put(groupBy.get(i), row.get(i));
                    }
                    LossState groupState = LossState.fromBytes((byte[]) row.get(groupBy.size()));
                    total.merge(groupState);
                    groups.add(new EvaluationResult.Group(key, groupState));
                    read += row.getLong(groupBy.size() + 1);
                }
                result = new EvaluationResult(total, reportedClasses, groups);
            }
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw named(e, columns, kernelClasses);
        }
        LossState total = result.total();
        if (total.rows() != read) {
            throw new IllegalStateException("row accounting failed: read " + read + " rows but scored "
                    + total.scored() + " + ignored " + total.ignored() + " + rejected " + total.rejected() + " = "
                    + total.rows());
        }
        return result;
    }

    /**
     * Two partial results ({@code [state bytes, rows read]}) merged into one. A class, not a lambda: Spark's closure
     * cleaner reads a lambda's class file from disk on every job, which took half of a small evaluation's time.
     */
    private static final class MergePartials implements Function2<Row, Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Row call(Row a, Row b) {
            LossState merged = LossState.fromBytes((byte[]) a.get(0)).merge(LossState.fromBytes((byte[]) b.get(0)));
            return RowFactory.create(merged.toBytes(), a.getLong(1) + b.getLong(1));
        }
    }

    /**
     * The rows a quarantine policy rejects: every input column and {@code reason}. Lazy; the same decisions as
     * the aggregate's, so its count equals {@link LossState#rejected()}.
     */
    public Dataset<Row> rejectedRows() {
        if (targetLogProbs()) {
            return targetLogProbEvaluation().rejectedRows();
        }
        InputColumns columns = checkColumns();
        int classes = Math.max(1, classes(columns));
        Column reason = functions.udf(new RowProblemFunction(options, classes, policy.rejectNonFinite(), encoding),
                org.apache.spark.sql.types.DataTypes.StringType).apply(columns.logitsArray(), columns.target());
        return input.withColumn("reason", reason).where(col("reason").isNotNull());
    }

    /**
     * The per-row losses ({@code reduction='none'}): the id columns (else every input column but the logits) and
     * {@code loss}. Lazy: invalid rows fail the job that reads it (see {@link #nameInvalidRow}).
     */
    public Dataset<Row> perRowLosses() {
        if (targetLogProbs()) {
            return targetLogProbEvaluation().perRowLosses();
        }
        InputColumns columns = checkColumns();
        int classes = classes(columns);
        List<Column> keep = new ArrayList<>();
        if (!idColumns.isEmpty()) {
            idColumns.forEach(n -> keep.add(col(InputColumns.quote(n))));
        } else {
            for (StructField f : input.schema().fields()) {
                if (!f.name().equals(columns.logitsName())) {
                    keep.add(col(InputColumns.quote(f.name())));
                }
            }
        }
        for (StructField f : input.schema().fields()) {
            if (f.name().equalsIgnoreCase("loss") && (idColumns.isEmpty() || idColumns.contains(f.name()))) {
                throw new InputSchemaException("the input already has a column '" + f.name()
                        + "'; name the columns to keep with --id-cols. Schema: " + InputColumns.describe(input.schema()));
            }
        }
        DataType[] keptTypes = new DataType[keep.size()];
        StructType schema = new StructType();
        Dataset<Row> kept = input.select(keep.toArray(new Column[0]));
        for (int i = 0; i < keptTypes.length; i++) {
            StructField f = kept.schema().fields()[i];
            keptTypes[i] = f.dataType();
            schema = schema.add(f);
        }
        schema = schema.add("loss", columns.isSequence()
                ? DataTypes.createArrayType(DataTypes.DoubleType, false) : DataTypes.DoubleType, false);
        keep.add(columns.logitsArray());
        keep.add(columns.target());
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        PartitionLosses losses = new PartitionLosses(keptTypes, columns.logitsType(),
                columns.targets() == LossState.Targets.PROBABILITIES && !columns.isSequence(),
                new RowLossFunction(options, classes, encoding), new SequenceLossFunction(options, classes));
        JavaRDD<Row> rows = data.select(keep.toArray(new Column[0])).queryExecution().toRdd().toJavaRDD()
                .mapPartitions(losses);
        return input.sparkSession().createDataFrame(rows, schema);
    }

    /**
     * If {@code failure} was caused by an invalid row, the core's error naming that row (found again, see
     * {@link InvalidRowLocator}); else {@code failure} itself.
     */
    public RuntimeException nameInvalidRow(Exception failure) {
        if (targetLogProbs()) {
            return targetLogProbEvaluation().nameInvalidRow(failure);
        }
        InputColumns columns = checkColumns();
        return named(failure, columns, Math.max(1, classes(columns)));
    }

    private RuntimeException named(Exception failure, InputColumns columns, int classes) {
        return named(failure,
                () -> new InvalidRowLocator(input, columns, options, classes, idColumns, singleFileReader));
    }

    /**
     * {@code failure} as the error to report: a too-many-rejected stop as it is; an invalid row as the core's error,
     * naming the row that {@code locator} finds (the core's error alone when it finds none or fails); anything else
     * unchanged. Shared by every evaluation path, so they name a row the same way.
     */
    static RuntimeException named(Exception failure, Supplier<InvalidRowLocator> locator) {
        TooManyRejectedException tooMany = find(failure, TooManyRejectedException.class);
        if (tooMany != null) {
            return tooMany;
        }
        InvalidRowException cause = findInvalidRow(failure);
        if (cause == null) {
            return failure instanceof RuntimeException
                    ? (RuntimeException) failure
                    : new IllegalStateException(failure.getMessage(), failure);
        }
        String where;
        try {
            where = locator.get().describeFirstInvalidRow();
        } catch (RuntimeException locating) {
            where = null;
        }
        if (where == null) {
            return cause;
        }
        int colon = where.indexOf(": ");
        return new InvalidRowException(cause.reason(), where.substring(colon + 2)).atRow(where.substring(0, colon));
    }

    static InvalidRowException findInvalidRow(Throwable t) {
        return find(t, InvalidRowException.class);
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
