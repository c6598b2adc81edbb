package dev.xent.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * One evaluation of a DataFrame of model outputs: check the columns, learn C, then one aggregation scan that yields
 * every figure (mean, sum, counts), per group when asked. The numbers come from the core; this class only plans the
 * Spark work.
 *
 * <p>Invalid rows fail the job (PyTorch raises) with an {@link InvalidRowException} that names the first invalid
 * row, unless {@link #rejectInvalid(boolean)} counts them as rejected. Column problems throw
 * {@link InputSchemaException} before any job runs.
 */
public final class Evaluation {
    private final Dataset<Row> input;
    private String logitsColumn = "logits";
    private String targetColumn = "target";
    private CrossEntropyOptions options = CrossEntropyOptions.defaults();
    private List<String> groupBy = List.of();
    private List<String> idColumns = List.of();
    private int partitions;
    private boolean rejectInvalid;
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

    public Evaluation rejectInvalid(boolean reject) {
        this.rejectInvalid = reject;
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
        InputColumns columns = InputColumns.resolve(input.schema(), logitsColumn, targetColumn);
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
        int known = options.knownClasses();
        return known > 0 ? known : firstRowClasses(columns);
    }

    /** The length of the first row that has logits (0 when none has); a small job reading one row. */
    public int firstRowClasses(InputColumns columns) {
        List<Row> first = input.where(col(InputColumns.quote(columns.logitsName())).isNotNull())
                .select(size(columns.logitsArray()))
                .limit(1)
                .collectAsList();
        return first.isEmpty() ? 0 : Math.max(0, first.get(0).getInt(0));
    }

    /** Runs the evaluation: one scan. */
    public EvaluationResult run() {
        InputColumns columns = checkColumns();
        int classes = classes(columns);
        if (classes == 0 && options.classes() == 0) {
            // No row has logits: any row there is must be invalid; C = 1 lets the scan say so (or count it).
            return scan(columns, 1, 0);
        }
        return scan(columns, classes, classes);
    }

    private EvaluationResult scan(InputColumns columns, int kernelClasses, int reportedClasses) {
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        Column state = XentFunctions.exactState(columns, options, kernelClasses, rejectInvalid).as("__xent_state");
        try {
            if (groupBy.isEmpty()) {
                byte[] bytes = (byte[]) data.agg(state).collectAsList().get(0).get(0);
                return new EvaluationResult(LossState.fromBytes(bytes), reportedClasses, List.of());
            }
            Column[] keys = groupBy.stream().map(n -> col(InputColumns.quote(n))).toArray(Column[]::new);
            List<Row> rows = data.groupBy(keys).agg(state).orderBy(keys).collectAsList();
            LossState total = LossState.of(options, columns.targets());
            List<EvaluationResult.Group> groups = new ArrayList<>();
            for (Row row : rows) {
                Map<String, Object> key = new LinkedHashMap<>();
                for (int i = 0; i < groupBy.size(); i++) {
                    key.put(groupBy.get(i), row.get(i));
                }
                LossState groupState = LossState.fromBytes((byte[]) row.get(groupBy.size()));
                total.merge(groupState);
                groups.add(new EvaluationResult.Group(key, groupState));
            }
            return new EvaluationResult(total, reportedClasses, groups);
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw named(e, columns, kernelClasses);
        }
    }

    /**
     * The per-row losses ({@code reduction='none'}): the id columns (else every input column but the logits) and
     * {@code loss}. Lazy: invalid rows fail the job that reads it (see {@link #nameInvalidRow}).
     */
    public Dataset<Row> perRowLosses() {
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
        keep.add(XentFunctions.lossFunction(options, classes).apply(columns.logitsArray(), columns.target())
                .as("loss"));
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        return data.select(keep.toArray(new Column[0]));
    }

    /**
     * If {@code failure} was caused by an invalid row, the core's error naming that row (found again, see
     * {@link InvalidRowLocator}); else {@code failure} itself.
     */
    public RuntimeException nameInvalidRow(Exception failure) {
        InputColumns columns = checkColumns();
        return named(failure, columns, Math.max(1, classes(columns)));
    }

    private RuntimeException named(Exception failure, InputColumns columns, int classes) {
        InvalidRowException cause = findInvalidRow(failure);
        if (cause == null) {
            return failure instanceof RuntimeException
                    ? (RuntimeException) failure
                    : new IllegalStateException(failure.getMessage(), failure);
        }
        String where;
        try {
            where = new InvalidRowLocator(input, columns, options, classes, idColumns, singleFileReader)
                    .describeFirstInvalidRow();
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
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidRowException) {
                return (InvalidRowException) c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
