package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.EvaluationResult;
import dev.xent.core.Figure;
import dev.xent.core.LossState;
import dev.xent.core.TargetLogProbs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * {@link Evaluation} of a target-log-probs input ({@code --input-kind target-log-probs}): the same figures, groups,
 * quarantine, per-row losses and error naming as for sequences of logits, with each row read by
 * {@link TargetLogProbColumns} and decided by the core's {@link TargetLogProbs}. Only figures defined for sequences
 * are gathered (the standard error, the language-model figures); those needing a distribution are refused.
 */
final class TargetLogProbEvaluation {
    private final Dataset<Row> input;
    private final TargetLogProbColumns columns;
    private final TargetLogProbs rule;
    private final CrossEntropyOptions options;
    private final List<String> groupBy;
    private final List<String> idColumns;
    private final int partitions;
    private final RowPolicy policy;
    private final ExtraFigures figures;
    private final Function<String, Dataset<Row>> singleFileReader;

    /**
     * @throws InputSchemaException for a column that does not fit, or options this input cannot take (label
     *                              smoothing, class weights without a target column)
     */
    TargetLogProbEvaluation(Dataset<Row> input, TargetLogProbColumns columns, CrossEntropyOptions options,
            List<String> groupBy, List<String> idColumns, int partitions, RowPolicy policy, ExtraFigures figures,
            Function<String, Dataset<Row>> singleFileReader) {
        this.input = input;
        this.columns = columns;
        try {
            this.rule = new TargetLogProbs(options, columns.target != null);
        } catch (IllegalArgumentException e) {
            throw new InputSchemaException(e.getMessage());
        }
        this.options = options;
        this.groupBy = groupBy;
        this.idColumns = idColumns;
        this.partitions = partitions;
        this.policy = policy;
        this.figures = figures;
        this.singleFileReader = singleFileReader;
    }

    TargetLogProbColumns columns() {
        return columns;
    }

    /** The empty state: the rule's, with the figures asked for that are defined for sequences (others refused). */
    private LossState emptyState() {
        LossState s = rule.emptyState();
        for (Figure f : figures.make(LossState.Targets.CLASS_INDEX, true, columns.logits)) {
            s.withFigure(f);
        }
        return s;
    }

    /** One scan; every row accounted for ({@code rows = sequences + rejected}). */
    EvaluationResult run() {
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        List<Column> scanned = new ArrayList<>();
        groupBy.forEach(n -> scanned.add(col(InputColumns.quote(n))));
        scanned.addAll(List.of(columns.canonical()));
        Dataset<Row> rows = data.select(scanned.toArray(new Column[0]));
        DataType[] keyTypes = new DataType[groupBy.size()];
        for (int i = 0; i < keyTypes.length; i++) {
            keyTypes[i] = rows.schema().fields()[i].dataType();
        }
        LossState empty = emptyState();
        JavaRDD<Row> partial = rows.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new TargetLogProbScan(rule, columns, policy, empty, keyTypes));
        List<Row> partials;
        try {
            partials = partial.collect();
        } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
            throw nameInvalidRow(e);
        }
        Map<List<Object>, LossState> states = new TreeMap<>(KEY_ORDER);
        long read = 0;
        for (Row p : partials) {
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < keyTypes.length; i++) {
                key.add(p.get(i));
            }
            LossState s = LossState.fromBytes((byte[]) p.get(keyTypes.length));
            states.merge(key, s, LossState::merge);
            read += p.getLong(keyTypes.length + 1);
        }
        LossState total = empty.zero();
        List<EvaluationResult.Group> groups = new ArrayList<>();
        for (Map.Entry<List<Object>, LossState> e : states.entrySet()) {
            total.merge(e.getValue());
            if (!groupBy.isEmpty()) {
                Map<String, Object> key = new LinkedHashMap<>();
                for (int i = 0; i < groupBy.size(); i++) {
                    key.put(groupBy.get(i), e.getKey().get(i));
                }
                groups.add(new EvaluationResult.Group(key, e.getValue()));
            }
        }
        if (total.rows() != read) {
            throw new IllegalStateException("row accounting failed: read " + read + " rows but evaluated "
                    + total.sequenceStats().rows() + " + rejected " + total.rejected() + " = " + total.rows());
        }
        return new EvaluationResult(total, options.knownClasses(), groups);
    }

    /** Group keys in Spark's ascending order: nulls first, then by value. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<List<Object>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c = x == null ? (y == null ? 0 : -1) : y == null ? 1 : x instanceof Comparable
                    && x.getClass() == y.getClass() ? ((Comparable) x).compareTo(y)
                    : String.valueOf(x).compareTo(String.valueOf(y));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    /** The canonical columns as one struct, for the row functions. */
    private Column canonicalStruct() {
        return functions.struct(columns.canonical());
    }

    /** The rows the policy rejects: every input column and {@code reason}, the scan's decisions. Lazy. */
    Dataset<Row> rejectedRows() {
        Column reason = functions.udf(new Problem(rule, columns, policy), DataTypes.StringType)
                .apply(canonicalStruct());
        return input.withColumn("reason", reason).where(col("reason").isNotNull());
    }

    /**
     * The per-token losses: the id columns (else every input column but the log-probabilities) and {@code loss}
     * ({@code array<double>} for sequences, {@code double} for one token per row). Lazy.
     */
    Dataset<Row> perRowLosses() {
        List<Column> keep = new ArrayList<>();
        if (!idColumns.isEmpty()) {
            idColumns.forEach(n -> keep.add(col(InputColumns.quote(n))));
        } else {
            for (StructField f : input.schema().fields()) {
                if (!f.name().equals(columns.logits)) {
                    keep.add(col(InputColumns.quote(f.name())));
                }
            }
        }
        for (StructField f : input.schema().fields()) {
            if (f.name().equalsIgnoreCase("loss") && (idColumns.isEmpty() || idColumns.contains(f.name()))) {
                throw new InputSchemaException("the input already has a column '" + f.name()
                        + "'; name the columns to keep with --id-cols. Schema: "
                        + InputColumns.describe(input.schema()));
            }
        }
        Column losses = functions.udf(new Losses(rule, columns),
                DataTypes.createArrayType(DataTypes.DoubleType, false)).apply(canonicalStruct());
        Column loss = columns.sequence ? losses : functions.element_at(losses, 1);
        keep.add(loss.as("loss"));
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        return data.select(keep.toArray(new Column[0]));
    }

    /** If {@code failure} was caused by an invalid row, the core's error naming that row; else {@code failure}. */
    RuntimeException nameInvalidRow(Exception failure) {
        return Evaluation.named(failure, () -> {
            Column problem = functions.udf(new Problem(rule, columns, RowPolicy.FAIL), DataTypes.StringType)
                    .apply(canonicalStruct());
            return new InvalidRowLocator(input, columns.logits, problem, idColumns, singleFileReader);
        });
    }

    /** {@code struct(canonical columns) -> reason}: the scan's decision for one row. */
    private static final class Problem implements UDF1<Row, String> {
        private static final long serialVersionUID = 1L;
        private final TargetLogProbs rule;
        private final TargetLogProbColumns columns;
        private final RowPolicy policy;

        Problem(TargetLogProbs rule, TargetLogProbColumns columns, RowPolicy policy) {
            this.rule = rule;
            this.columns = columns;
            this.policy = policy;
        }

        @Override
        public String call(Row row) {
            return TargetLogProbScan.problem(rule, policy, () -> TokenRow.read(row, 0, columns));
        }
    }

    /** {@code struct(canonical columns) -> per-token losses}; an invalid row fails the job. */
    private static final class Losses implements UDF1<Row, double[]> {
        private static final long serialVersionUID = 1L;
        private final TargetLogProbs rule;
        private final TargetLogProbColumns columns;

        Losses(TargetLogProbs rule, TargetLogProbColumns columns) {
            this.rule = rule;
            this.columns = columns;
        }

        @Override
        public double[] call(Row row) {
            TokenRow r = TokenRow.read(row, 0, columns);
            return rule.none(r.logp, r.mask, r.weights, r.targets);
        }
    }
}
