package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.RowRule;
import dev.xent.spark.InputColumns.LogitsType;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one {@link Evaluation} is asked for: the input, its columns, the loss options, the figures, the groups, the
 * row policy. Immutable (only C, learned from the first row, is remembered once found). It checks its columns
 * against the input's schema and learns C; the state scan, the per-row losses and the invalid-row namer read it.
 */
final class EvaluationSpec {
    /** The logits types whose first-row length a caller may know (their length is the array's or first token's). */
    private static final Set<LogitsType> KNOWN_LENGTH_TYPES = EnumSet.of(LogitsType.FLOAT_ARRAY,
            LogitsType.DOUBLE_ARRAY, LogitsType.FLOAT_SEQUENCE, LogitsType.DOUBLE_SEQUENCE);
    final Dataset<Row> input;
    final String logitsColumn;
    final String targetColumn;
    final CrossEntropyOptions options;
    final List<String> groupBy;
    final List<String> idColumns;
    /** Repartition the input into this many partitions first (0: leave it). */
    final int partitions;
    final RowPolicy policy;
    /** How a binary logits column is packed; null for other column types. */
    final LogitsEncoding encoding;
    /** Language-model rows: each sequence's byte and word count columns (either may be null). */
    final String bytesColumn;
    final String wordsColumn;
    /** Target-log-probs rows: the token mask and token weight columns (either may be null). */
    final String maskColumn;
    final String tokenWeightColumn;
    final ExtraFigures figures;
    /** Reads one file of the input alone, in order (null: rows are named without their file position). */
    final Function<String, Dataset<Row>> singleFileReader;
    /** Per logits column, the first row's length when known without a job (see Evaluation.firstRowLengths). */
    private final Map<String, Integer> knownFirstRowLengths;
    private Integer firstRowClasses;

    EvaluationSpec(Dataset<Row> input, String logitsColumn, String targetColumn, CrossEntropyOptions options,
            List<String> groupBy, List<String> idColumns, int partitions, RowPolicy policy, LogitsEncoding encoding,
            String bytesColumn, String wordsColumn, String maskColumn, String tokenWeightColumn,
            ExtraFigures figures, Function<String, Dataset<Row>> singleFileReader,
            Map<String, Integer> knownFirstRowLengths) {
        this.input = input;
        this.logitsColumn = logitsColumn;
        this.targetColumn = targetColumn;
        this.options = options;
        this.groupBy = List.copyOf(groupBy);
        this.idColumns = List.copyOf(idColumns);
        this.partitions = partitions;
        this.policy = policy;
        this.encoding = encoding;
        this.bytesColumn = bytesColumn;
        this.wordsColumn = wordsColumn;
        this.maskColumn = maskColumn;
        this.tokenWeightColumn = tokenWeightColumn;
        this.figures = figures;
        this.singleFileReader = singleFileReader;
        this.knownFirstRowLengths = knownFirstRowLengths;
    }

    /** True for target-log-probs input, which {@link TargetLogProbEvaluation} evaluates. */
    boolean targetLogProbs() {
        return options.inputKind() == InputKind.TARGET_LOG_PROBABILITIES;
    }

    /** The input, repartitioned when asked. */
    Dataset<Row> data() {
        return partitions > 0 ? input.repartition(partitions) : input;
    }

    /**
     * Checks every named column against the schema.
     *
     * @throws InputSchemaException naming the column and the schema found
     */
    InputColumns checkColumns() {
        if (targetLogProbs()) {
            return targetLogProbEvaluation().columns().inputColumns(); // refuses options it cannot take, too
        }
        if (maskColumn != null || tokenWeightColumn != null) {
            throw new InputSchemaException("a token mask or token weight column applies to input kind "
                    + "target-log-probs, but the input kind is " + options.inputKind().name().toLowerCase(
                    Locale.ROOT));
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
        checkKeyColumns();
        return columns;
    }

    private void checkKeyColumns() {
        for (String name : groupBy) {
            InputColumns.field(input.schema(), name, "group-by");
        }
        for (String name : idColumns) {
            InputColumns.field(input.schema(), name, "id");
        }
    }

    /** C: the options' class count or weight length, else the length of the first row with logits (0: none). */
    int classes(InputColumns columns) {
        return RowRule.learnedClasses(options, () -> firstRowClasses(columns));
    }

    /**
     * The length of the first row that has logits (0 when none has): a small job reading one row, run once per
     * evaluation (checks, per-row losses, the scan and error naming all ask for it), unless the caller gave it for
     * this column of float or double arrays or sequences.
     */
    synchronized int firstRowClasses(InputColumns columns) {
        if (firstRowClasses == null && KNOWN_LENGTH_TYPES.contains(columns.logitsType())) {
            firstRowClasses = knownFirstRowLengths.get(columns.logitsName());
        }
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

    /** This evaluation over target log-probabilities (see {@link TargetLogProbEvaluation}). */
    TargetLogProbEvaluation targetLogProbEvaluation() {
        TargetLogProbColumns columns = TargetLogProbColumns.resolve(input.schema(), logitsColumn, targetColumn,
                maskColumn, tokenWeightColumn, bytesColumn, wordsColumn);
        checkKeyColumns();
        return new TargetLogProbEvaluation(input, columns, options, groupBy, idColumns, partitions, policy, figures,
                singleFileReader);
    }
}
