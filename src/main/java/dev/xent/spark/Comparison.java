package dev.xent.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.xent.core.ComparisonResult;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.LossState;
import dev.xent.core.PairedComparison;
import dev.xent.core.PoissonBootstrap;
import dev.xent.core.TargetLogProbs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A paired comparison of two models on the same rows: the baseline's and the candidate's per-row losses (each side
 * scored on its own scan by the row rule of every path, {@link PartitionLosses}), paired, and summed into one exact
 * {@link PairedComparison} per group. Two forms:
 * <ul>
 *   <li>two datasets joined on key columns ({@link #of(Dataset, Dataset, List)}): each side is scored before the
 *       join, and only the key, target, weight and loss (and the baseline's group columns) cross the shuffle, never
 *       the logits; both sides cross in one shuffle by key and are sorted by key within each partition, so each key's
 *       rows on each side are counted, and duplicated keys seen (and never compared). A null key matches nothing.</li>
 *   <li>one dataset holding both models' outputs ({@link #of(Dataset)}): both losses come from one scan, no
 *       shuffle.</li>
 * </ul>
 * Target-log-probs rows (input kind {@code TARGET_LOG_PROBABILITIES}, {@link #tokenColumns}) are scored by
 * {@link TargetLogProbSideLosses}: the document is the unit, and its scored tokens stand where the target stands.
 * The numbers do not depend on the partitioning (exact sums; bootstrap weights hashed from the key). Nothing here
 * decides what an unmatched or invalid row does to the run: {@link ComparisonResult} counts them.
 */
public final class Comparison {
    private final Dataset<Row> baseline;
    private final Dataset<Row> candidate;
    private final List<String> joinOn;
    private String baselineLogitsColumn = "logits";
    private String candidateLogitsColumn = "logits";
    private String targetColumn = "target";
    private CrossEntropyOptions options = CrossEntropyOptions.defaults();
    private List<String> groupBy = List.of();
    private int partitions;
    private LogitsEncoding encoding;
    private PoissonBootstrap bootstrap;
    private boolean sequences;
    private String maskColumn;
    private String tokenWeightColumn;

    private Comparison(Dataset<Row> baseline, Dataset<Row> candidate, List<String> joinOn) {
        this.baseline = Objects.requireNonNull(baseline, "baseline");
        this.candidate = candidate;
        this.joinOn = List.copyOf(joinOn);
    }

    /** Two datasets joined on {@code joinOn} (at least one column). */
    public static Comparison of(Dataset<Row> baseline, Dataset<Row> candidate, List<String> joinOn) {
        if (joinOn.isEmpty()) {
            throw new IllegalArgumentException("comparing two datasets needs the key columns to join on");
        }
        return new Comparison(baseline, Objects.requireNonNull(candidate, "candidate"), joinOn);
    }

    /** One dataset with both models' logits columns. */
    public static Comparison of(Dataset<Row> input) {
        return new Comparison(input, null, List.of());
    }

    /** One dataset whose rows are identified by {@code idColumns} (for the bootstrap's weights and examples). */
    public static Comparison of(Dataset<Row> input, List<String> idColumns) {
        return new Comparison(input, null, idColumns);
    }

    public Comparison baselineLogitsColumn(String name) {
        this.baselineLogitsColumn = name;
        return this;
    }

    public Comparison candidateLogitsColumn(String name) {
        this.candidateLogitsColumn = name;
        return this;
    }

    public Comparison targetColumn(String name) {
        this.targetColumn = name;
        return this;
    }

    public Comparison options(CrossEntropyOptions options) {
        this.options = options;
        return this;
    }

    /** Group columns, read from the baseline. */
    public Comparison groupBy(List<String> columns) {
        this.groupBy = List.copyOf(columns);
        return this;
    }

    /** Repartitions each input into {@code n} partitions first (0: leave it). */
    public Comparison partitions(int n) {
        this.partitions = n;
        return this;
    }

    public Comparison logitsEncoding(LogitsEncoding encoding) {
        this.encoding = encoding;
        return this;
    }

    /** With input kind target-log-probs: the mask and token-weight columns (each null: none), read on both sides. */
    public Comparison tokenColumns(String mask, String weights) {
        this.maskColumn = mask;
        this.tokenWeightColumn = weights;
        return this;
    }

    /** Adds a Poisson bootstrap's replicates (null: none). */
    public Comparison bootstrap(PoissonBootstrap bootstrap) {
        this.bootstrap = bootstrap;
        return this;
    }

    /**
     * The rows the comparison walks, lazily. One dataset: the paired rows, the group columns, the key columns, then
     * {@code bn, cn} (each side's row count for the key: 1), {@code bt, ct} (targets; for target-log-probs rows,
     * which tokens are scored), {@code w}, {@code ignored}, {@code bl, br, cl, cr} (each side's loss and, when
     * invalid, reason); {@link PairedScan} reads them. Two datasets: both sides' scored rows in one union,
     * hash-partitioned by key (one shuffle, which carries no logits) and sorted within each partition by key, then
     * side (Spark's external sort, which spills), in {@link KeyRunScan}'s layout, which pairs them.
     *
     * @throws InputSchemaException when a column is missing or of the wrong type
     */
    public Dataset<Row> pairedRows() {
        List<Column> out = new ArrayList<>();
        if (candidate == null) {
            Dataset<Row> s = scored(baseline, List.of(baselineLogitsColumn, candidateLogitsColumn), true);
            groupBy.forEach(g -> out.add(col(InputColumns.quote(g))));
            joinOn.forEach(k -> out.add(col(InputColumns.quote(k))));
            out.addAll(List.of(lit(1L).as("bn"), lit(1L).as("cn"), col("__t").as("bt"), col("__t").as("ct"),
                    col("__w").as("w"), col("__i").as("ignored"), col("__l0").as("bl"), col("__r0").as("br"),
                    col("__l1").as("cl"), col("__r1").as("cr")));
            return s.select(out.toArray(new Column[0]));
        }
        return keyedSides();
    }

    /** {@link #pairedRows} of two datasets. */
    private Dataset<Row> keyedSides() {
        Dataset<Row> bScored = scored(baseline, List.of(baselineLogitsColumn), true);
        Dataset<Row> cScored = scored(candidate, List.of(candidateLogitsColumn), false);
        // As many shuffle partitions as the larger side has partitions (not spark.sql.shuffle.partitions, 200 by
        // default, whose tasks cost more than the few bytes per row that cross).
        int shuffle = Math.max(1, Math.max(bScored.rdd().getNumPartitions(), cScored.rdd().getNumPartitions()));
        DataType bTarget = bScored.schema().apply("__t").dataType();
        DataType cTarget = cScored.schema().apply("__t").dataType();
        List<Column> b = new ArrayList<>();
        List<Column> c = new ArrayList<>();
        for (int i = 0; i < joinOn.size(); i++) {
            b.add(sameKeyValue(bScored, joinOn.get(i)).as("__k" + i));
            c.add(sameKeyValue(cScored, joinOn.get(i)).as("__k" + i));
        }
        b.add(lit(0).as("__s"));
        c.add(lit(1).as("__s"));
        for (int i = 0; i < groupBy.size(); i++) {
            Column g = col(InputColumns.quote(groupBy.get(i)));
            b.add(g.as("__g" + i));
            c.add(lit(null).cast(bScored.select(g).schema().fields()[0].dataType()).as("__g" + i));
        }
        b.addAll(List.of(col("__t").as("__bt"), lit(null).cast(cTarget).as("__ct")));
        c.addAll(List.of(lit(null).cast(bTarget).as("__bt"), col("__t").as("__ct")));
        for (List<Column> side : List.of(b, c)) {
            side.addAll(List.of(col("__w"), col("__i"), col("__l0").as("__l"), col("__r0").as("__r")));
        }
        Column[] keys = new Column[joinOn.size()];
        Column[] order = new Column[joinOn.size() + 1];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = col("__k" + i);
            order[i] = keys[i];
        }
        order[keys.length] = col("__s");
        return bScored.select(b.toArray(new Column[0])).union(cScored.select(c.toArray(new Column[0])))
                .repartition(shuffle, keys).sortWithinPartitions(order);
    }

    /**
     * A key column as the join compares it: a float or double with {@code -0.0} as {@code 0.0} (its NaNs are one
     * value to Spark's hash and order already), any other type as it is.
     */
    private static Column sameKeyValue(Dataset<Row> scored, String name) {
        Column k = col(InputColumns.quote(name));
        DataType type = scored.select(k).schema().fields()[0].dataType();
        return type == DataTypes.DoubleType ? k.plus(lit(0.0))
                : type == DataTypes.FloatType ? k.plus(lit(0.0f)) : k;
    }

    /** Runs the comparison: one scan of each side, one shuffle by key (two-dataset form), one pass over the pairs. */
    public ComparisonResult run() {
        PairedScan pairs = new PairedScan(groupBy.size(), joinOn.toArray(new String[0]), bootstrap,
                options.inputKind() == InputKind.TARGET_LOG_PROBABILITIES);
        JavaRDD<PairedScan.Partial> partials = pairedRows().toJavaRDD().mapPartitions(candidate == null ? pairs
                : (FlatMapFunction<Iterator<Row>, PairedScan.Partial>) new KeyRunScan(joinOn.size(), groupBy.size(), pairs));
        PairedScan.Partial all = new PairedScan.Partial();
        for (PairedScan.Partial p : partials.collect()) {
            all.merge(p);
        }
        List<List<Object>> keys = new ArrayList<>(all.groups.keySet());
        keys.sort(Comparison::compareKeys);
        PairedComparison total = new PairedComparison(bootstrap);
        List<ComparisonResult.Group> groups = new ArrayList<>();
        for (List<Object> key : keys) {
            PairedComparison g = all.groups.get(key);
            total.merge(g);
            if (!groupBy.isEmpty()) {
                Map<String, Object> named = new LinkedHashMap<>();
                for (int i = 0; i < groupBy.size(); i++) {
                    named.put(groupBy.get(i), key.get(i));
                }
                groups.add(new ComparisonResult.Group(named, g));
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, List<String>> examples = new LinkedHashMap<>();
        for (int i = 0; i < PairedScan.COUNTS.length; i++) {
            counts.put(PairedScan.COUNTS[i], all.counts[i]);
            examples.put(PairedScan.COUNTS[i], new ArrayList<>(all.examples.get(i)));
        }
        return new ComparisonResult(total, groups, counts, examples, sequences);
    }

    /** One side's per-row losses: the kept columns (keys, then groups), {@code __t, __w, __i}, then per model {@code __lM, __rM}. */
    private Dataset<Row> scored(Dataset<Row> input, List<String> logitsColumns, boolean withGroups) {
        LinkedHashSet<String> kept = new LinkedHashSet<>(joinOn);
        if (withGroups) {
            kept.addAll(groupBy);
        }
        for (String k : kept) {
            InputColumns.field(input.schema(), k, joinOn.contains(k) ? "join-on" : "group-by");
        }
        if (options.inputKind() == InputKind.TARGET_LOG_PROBABILITIES) {
            return scoredTargetLogProbs(input, logitsColumns, kept);
        }
        List<InputColumns> sides = new ArrayList<>();
        int classes = options.knownClasses();
        for (String logits : logitsColumns) {
            InputColumns columns = InputColumns.resolve(input.schema(), logits, targetColumn, encoding);
            if (!sides.isEmpty() && sides.get(0).isSequence() != columns.isSequence()) {
                throw new InputSchemaException("column '" + logits + "' and column '" + sides.get(0).logitsName()
                        + "' must both hold one row of logits, or both language-model sequences");
            }
            sides.add(columns);
            sequences = columns.isSequence();
            if (classes == 0) {
                classes = Evaluation.of(input).logitsColumn(logits).targetColumn(targetColumn).options(options)
                        .logitsEncoding(encoding).firstRowClasses(columns);
            }
        }
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        boolean probabilities = sides.get(0).targets() == LossState.Targets.PROBABILITIES
                && !sides.get(0).isSequence();
        // Array logits and a class index of any integer type are read as stored, in the input's column order: Spark
        // then hands over the scanned rows, where a cast or another order makes it copy every row, logits included
        // (that copy and the cast were most of what comparing cost beyond evaluating both).
        boolean plain = !probabilities && !sides.get(0).isSequence()
                && sides.stream().allMatch(PlainColumnReader::reads)
                && CatalogArguments.isIntegral(InputColumns.field(input.schema(), sides.get(0).targetName(), "target").dataType());
        List<String> names = new ArrayList<>();
        kept.forEach(k -> names.add(InputColumns.field(input.schema(), k, "kept").name()));
        String target = InputColumns.field(input.schema(), sides.get(0).targetName(), "target").name();
        List<String> logitsNames = new ArrayList<>();
        sides.forEach(x -> logitsNames.add(InputColumns.field(input.schema(), x.logitsName(), "logits").name()));
        List<Column> select = new ArrayList<>();
        List<String> order = new ArrayList<>();
        if (plain) {
            LinkedHashSet<String> stored = new LinkedHashSet<>(names);
            stored.add(target);
            stored.addAll(logitsNames);
            order.addAll(stored);
            order.sort(Comparator.comparingInt(n -> input.schema().fieldIndex(n)));
            order.forEach(n -> select.add(col(InputColumns.quote(n))));
        } else {
            order.addAll(names);
            order.add(target);
            order.addAll(logitsNames);
            names.forEach(n -> select.add(col(InputColumns.quote(n))));
            select.add(sides.get(0).target());
            sides.forEach(x -> select.add(x.logitsArray()));
        }
        Dataset<Row> rows = data.select(select.toArray(new Column[0]));
        StructField[] fields = rows.schema().fields();
        int[] keptAt = new int[names.size()];
        DataType[] keptTypes = new DataType[names.size()];
        StructType schema = new StructType();
        for (int i = 0; i < keptTypes.length; i++) {
            keptAt[i] = order.indexOf(names.get(i));
            keptTypes[i] = fields[keptAt[i]].dataType();
            schema = schema.add(fields[keptAt[i]]);
        }
        int targetAt = plain ? order.indexOf(target) : names.size();
        int[] logitsAt = new int[sides.size()];
        for (int m = 0; m < logitsAt.length; m++) {
            logitsAt[m] = plain ? order.indexOf(logitsNames.get(m)) : names.size() + 1 + m;
        }
        DataType targetType = fields[targetAt].dataType();
        schema = schema.add("__t", plain ? DataTypes.LongType : targetType, true)
                .add("__w", DataTypes.DoubleType, false).add("__i", DataTypes.BooleanType, false);
        PartitionLosses[] models = new PartitionLosses[sides.size()];
        for (int m = 0; m < models.length; m++) {
            models[m] = new PartitionLosses(new DataType[0], sides.get(m).logitsType(), probabilities,
                    new RowLossFunction(options, Math.max(1, classes), encoding),
                    new SequenceLossFunction(options, classes));
            schema = schema.add("__l" + m, DataTypes.DoubleType, true).add("__r" + m, DataTypes.StringType, true);
        }
        JavaRDD<Row> losses = rows.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new SideLosses(keptTypes, keptAt, targetType, targetAt, logitsAt, models, options,
                        probabilities, sides.get(0).isSequence()));
        return input.sparkSession().createDataFrame(losses, schema);
    }

    /** {@link #scored} for target-log-probs rows ({@link TargetLogProbSideLosses}): the same columns out. */
    private Dataset<Row> scoredTargetLogProbs(Dataset<Row> input, List<String> logitsColumns,
            LinkedHashSet<String> kept) {
        TargetLogProbColumns[] models = new TargetLogProbColumns[logitsColumns.size()];
        for (int m = 0; m < models.length; m++) {
            models[m] = TargetLogProbColumns.resolve(input.schema(), logitsColumns.get(m), targetColumn, maskColumn,
                    tokenWeightColumn, null, null);
            if (models[m].sequence != models[0].sequence) {
                throw new InputSchemaException("column '" + models[m].logits + "' and column '" + models[0].logits
                        + "' must both hold one log-probability per row, or both one array per row");
            }
        }
        TargetLogProbs rule;
        try {
            rule = new TargetLogProbs(options, models[0].target != null);
        } catch (IllegalArgumentException e) {
            throw new InputSchemaException(e.getMessage());
        }
        sequences = models[0].sequence;
        Dataset<Row> data = partitions > 0 ? input.repartition(partitions) : input;
        List<Column> select = new ArrayList<>();
        kept.forEach(k -> select.add(col(InputColumns.quote(k))));
        for (TargetLogProbColumns m : models) {
            select.addAll(List.of(m.canonical()));
        }
        Dataset<Row> rows = data.select(select.toArray(new Column[0]));
        StructField[] fields = rows.schema().fields();
        DataType[] keptTypes = new DataType[kept.size()];
        StructType schema = new StructType();
        for (int i = 0; i < keptTypes.length; i++) {
            keptTypes[i] = fields[i].dataType();
            schema = schema.add(fields[i]);
        }
        schema = schema.add("__t", DataTypes.LongType, true).add("__w", DataTypes.DoubleType, false)
                .add("__i", DataTypes.BooleanType, false);
        for (int m = 0; m < models.length; m++) {
            schema = schema.add("__l" + m, DataTypes.DoubleType, true).add("__r" + m, DataTypes.StringType, true);
        }
        JavaRDD<Row> losses = rows.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new TargetLogProbSideLosses(keptTypes, rule, models));
        return input.sparkSession().createDataFrame(losses, schema);
    }

    /**
     * Comparisons of disjoint rows as one: the result one {@link #run} over all their rows gives, provided no key
     * spans two parts (a key found in two parts is not counted as duplicated, as one run would). Totals and groups
     * merge exactly (a group found in several parts is their merge; groups in key order), counts add, and each
     * count keeps its first few example keys of all parts. Parts must share the bootstrap, the group columns and the
     * unit; none changes.
     */
    public static ComparisonResult merge(List<ComparisonResult> parts, PoissonBootstrap bootstrap) {
        PairedComparison total = new PairedComparison(bootstrap);
        TreeMap<List<Object>, PairedComparison> groups = new TreeMap<>(Comparison::compareKeys);
        TreeMap<List<Object>, Map<String, Object>> names = new TreeMap<>(Comparison::compareKeys);
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, TreeSet<String>> examples = new LinkedHashMap<>();
        for (String name : PairedScan.COUNTS) {
            counts.put(name, 0L);
            examples.put(name, new TreeSet<>());
        }
        for (ComparisonResult part : parts) {
            total.merge(part.total());
            for (ComparisonResult.Group g : part.groups()) {
                List<Object> key = new ArrayList<>(g.key().values());
                groups.computeIfAbsent(key, k -> new PairedComparison(bootstrap)).merge(g.comparison());
                names.putIfAbsent(key, g.key());
            }
            for (String name : PairedScan.COUNTS) {
                counts.merge(name, part.count(name), Long::sum);
                TreeSet<String> e = examples.get(name);
                e.addAll(part.examples(name));
                while (e.size() > PairedScan.EXAMPLES) {
                    e.pollLast();
                }
            }
        }
        List<ComparisonResult.Group> merged = new ArrayList<>();
        groups.forEach((key, comparison) -> merged.add(new ComparisonResult.Group(names.get(key), comparison)));
        Map<String, List<String>> lists = new LinkedHashMap<>();
        examples.forEach((name, e) -> lists.put(name, new ArrayList<>(e)));
        return new ComparisonResult(total, merged, counts, lists, !parts.isEmpty() && parts.get(0).sequences());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            int c;
            if (x == null || y == null) {
                c = x == null ? (y == null ? 0 : -1) : 1;
            } else if (x instanceof Comparable && x.getClass() == y.getClass()) {
                c = ((Comparable) x).compareTo(y);
            } else {
                c = Comparator.<String>naturalOrder().compare(String.valueOf(x), String.valueOf(y));
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
