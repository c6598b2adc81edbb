package dev.xent.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.Figure;
import dev.xent.core.Figures;
import dev.xent.core.InputKind;
import dev.xent.core.OptionsReader;
import dev.xent.core.LossState;
import dev.xent.spark.Evaluation;
import dev.xent.spark.ExtraFigures;
import dev.xent.spark.InputColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * PyTorch's cross-entropy as an MLlib {@link Evaluator}: smaller is better. By default it reads the
 * {@code rawPrediction} column (the logits of MLlib's multinomial classifiers, e.g. {@code LogisticRegression}) and
 * the {@code label} column (any numeric type holding a whole class index), and returns PyTorch's mean loss over the
 * dataset as one batch, computed exactly by xent's Spark aggregate.
 *
 * <p>Params: {@code logitsCol}, {@code labelCol}, {@code probabilityTargetCol} (soft targets instead of the label),
 * {@code classWeights}, {@code ignoreIndex}, {@code labelSmoothing}, {@code inputKind} ({@code logits},
 * {@code logProbs}, {@code probabilities}: e.g. MLlib's {@code probability} column; {@code targetLogProbs}: each
 * token's target log-probability, an array per sequence or a number per row, with {@code labelCol} used for class
 * weights and the ignore index only when the data have it) and {@code metricName}
 * ({@code mean}, {@code sum}, {@code perplexity} = exp(mean), or any number a registered figure reports, such as
 * {@code accuracy}, {@code top_k_accuracy} (k = 5), {@code expected_calibration_error}, {@code standard_error};
 * {@link #isLargerBetter()} follows the metric). {@link #getMetrics} gives every one of them from one pass. An empty
 * or all-ignored dataset gives NaN for mean and perplexity, as PyTorch; a label that is not a whole number, or an
 * invalid row, is an error naming it.
 */
public class CrossEntropyEvaluator extends Evaluator implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> logitsCol;
    private final Param<String> labelCol;
    private final Param<String> probabilityTargetCol;
    private final DoubleArrayParam classWeights;
    private final LongParam ignoreIndex;
    private final DoubleParam labelSmoothing;
    private final Param<String> inputKind;
    private final Param<String> metricName;
    /** The k of {@code top_k_accuracy}. */
    private static final int TOP_K = 5;
    /** The metrics of the loss itself; every other metric name is a figure's value. */
    private static final List<String> LOSS_METRICS = List.of("mean", "sum", "perplexity");

    /** A new evaluator with a random uid (what Spark Connect's ML and pipelines call). */
    public CrossEntropyEvaluator() {
        this(Identifiable$.MODULE$.randomUID("xentEval"));
    }

    public CrossEntropyEvaluator(String uid) {
        this.uid = uid;
        logitsCol = new Param<>(this, "logitsCol", "logits column: array or vector of raw scores (or log-probabilities "
                + "or probabilities, see inputKind)");
        labelCol = new Param<>(this, "labelCol", "label column: any numeric type holding a whole class index");
        probabilityTargetCol = new Param<>(this, "probabilityTargetCol",
                "optional column of target probabilities (array or vector); used instead of labelCol when set");
        classWeights = new DoubleArrayParam(this, "classWeights", "class weights, one per class (PyTorch's weight)");
        ignoreIndex = new LongParam(this, "ignoreIndex", "label whose rows are ignored (PyTorch's ignore_index)");
        labelSmoothing = new DoubleParam(this, "labelSmoothing", "label smoothing in [0, 1]",
                ParamValidators.inRange(0.0, 1.0));
        inputKind = new Param<>(this, "inputKind", "what logitsCol holds: logits, logProbs, probabilities or "
                + "targetLogProbs (each token's target log-probability: an array per sequence, or a number per row)",
                ParamValidators.inArray(new String[] {"logits", "logProbs", "probabilities", "targetLogProbs"}));
        metricName = new Param<>(this, "metricName", "mean, sum, perplexity (exp of the mean) or a figure's value: "
                + String.join(", ", Figures.scalarValues().keySet()), ParamValidators.inArray(metricNames()));
        setDefault(logitsCol, "rawPrediction");
        setDefault(labelCol, "label");
        setDefault(ignoreIndex, -100L);
        setDefault(labelSmoothing, 0.0);
        setDefault(inputKind, "logits");
        setDefault(metricName, "mean");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> logitsCol() {
        return logitsCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> probabilityTargetCol() {
        return probabilityTargetCol;
    }

    public DoubleArrayParam classWeights() {
        return classWeights;
    }

    public LongParam ignoreIndex() {
        return ignoreIndex;
    }

    public DoubleParam labelSmoothing() {
        return labelSmoothing;
    }

    public Param<String> inputKind() {
        return inputKind;
    }

    public Param<String> metricName() {
        return metricName;
    }

    public String getLogitsCol() {
        return $(logitsCol);
    }

    public CrossEntropyEvaluator setLogitsCol(String value) {
        set(logitsCol, value);
        return this;
    }

    public String getLabelCol() {
        return $(labelCol);
    }

    public CrossEntropyEvaluator setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    public String getProbabilityTargetCol() {
        return $(probabilityTargetCol);
    }

    public CrossEntropyEvaluator setProbabilityTargetCol(String value) {
        set(probabilityTargetCol, value);
        return this;
    }

    public double[] getClassWeights() {
        return $(classWeights);
    }

    public CrossEntropyEvaluator setClassWeights(double[] value) {
        set(classWeights, value);
        return this;
    }

    public long getIgnoreIndex() {
        return (Long) $(ignoreIndex);
    }

    public CrossEntropyEvaluator setIgnoreIndex(long value) {
        set(ignoreIndex, value);
        return this;
    }

    public double getLabelSmoothing() {
        return (Double) $(labelSmoothing);
    }

    public CrossEntropyEvaluator setLabelSmoothing(double value) {
        set(labelSmoothing, value);
        return this;
    }

    public String getInputKind() {
        return $(inputKind);
    }

    public CrossEntropyEvaluator setInputKind(String value) {
        set(inputKind, value);
        return this;
    }

    public String getMetricName() {
        return $(metricName);
    }

    public CrossEntropyEvaluator setMetricName(String value) {
        set(metricName, value);
        return this;
    }

    /** The core options these params stand for. */
    public CrossEntropyOptions options() {
        CrossEntropyOptions.Builder b = CrossEntropyOptions.builder()
                .ignoreIndex(getIgnoreIndex())
                .labelSmoothing(getLabelSmoothing());
        OptionsReader.set(b, "inputKind", getInputKind()); // the SQL settings' reader: the same values and messages
        if (isDefined(classWeights)) {
            b.weight(getClassWeights());
        }
        return b.build();
    }

    /** Every name {@code metricName} accepts: the loss's own and each scalar value of a registered figure. */
    private static String[] metricNames() {
        List<String> names = new ArrayList<>(LOSS_METRICS);
        names.addAll(Figures.scalarValues().keySet());
        return names.toArray(new String[0]);
    }

    @Override
    public double evaluate(Dataset<?> dataset) {
        String name = getMetricName();
        String figure = Figures.scalarValues().get(name);
        ExtraFigures figures = LOSS_METRICS.contains(name) || figure == null ? ExtraFigures.NONE
                : ExtraFigures.NONE.with(figure);
        return metrics(scan(dataset, figures)).get(name);
    }

    /**
     * Every metric from one pass: {@code mean}, {@code sum}, {@code perplexity}, and each number of every registered
     * figure defined for the rows (class-index or probability targets), by name.
     */
    public Map<String, Double> getMetrics(Dataset<?> dataset) {
        return metrics(scan(dataset, ExtraFigures.all(TOP_K)));
    }

    private LossState scan(Dataset<?> dataset, ExtraFigures figures) {
        Dataset<Row> df = dataset.toDF();
        if (options().inputKind() == InputKind.TARGET_LOG_PROBABILITIES) {
            // logitsCol holds each token's target log-probability; labelCol, when the data have it, class indices
            return Evaluation.of(df).logitsColumn(getLogitsCol()).targetColumn(getLabelCol()).options(options())
                    .figures(figures).run().total();
        }
        boolean soft = isDefined(probabilityTargetCol);
        String targetName = soft ? getProbabilityTargetCol() : getLabelCol();
        Column target = soft ? softTargets(df, targetName) : classIndex(df, targetName);
        Dataset<Row> input = df.select(col(InputColumns.quote(getLogitsCol())).as("logits"), target.as("target"));
        return Evaluation.of(input).options(options()).figures(figures).run().total();
    }

    private static Map<String, Double> metrics(LossState state) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("mean", state.mean());
        out.put("sum", state.sum());
        out.put("perplexity", state.perplexity());
        for (Figure f : state.figures()) {
            f.values(state).forEach((name, v) -> {
                if (v instanceof Double) {
                    out.putIfAbsent(name, (Double) v);
                }
            });
        }
        return out;
    }

    private static Column softTargets(Dataset<Row> df, String name) {
        DataType type = field(df, name).dataType();
        Column c = col(InputColumns.quote(name));
        return type instanceof org.apache.spark.ml.linalg.VectorUDT
                ? org.apache.spark.ml.functions.vector_to_array(c, "float64")
                : c;
    }

    /** The label as a {@code bigint} class index; a fractional label that is not a whole number is an error. */
    private static Column classIndex(Dataset<Row> df, String name) {
        DataType type = field(df, name).dataType();
        Column c = col(InputColumns.quote(name));
        if (!(type instanceof NumericType)) {
            throw new IllegalArgumentException("labelCol '" + name + "' has type " + type.simpleString()
                    + "; expected a numeric class index");
        }
        boolean fractional = type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)
                || type instanceof DecimalType;
        if (fractional) {
            List<Row> bad = df.where(c.notEqual(floor(c)).or(c.isNaN())).select(c).limit(1).collectAsList();
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException("labelCol '" + name + "' holds " + bad.get(0).get(0)
                        + ", which is not a whole class index");
            }
        }
        return c.cast(DataTypes.LongType);
    }

    private static StructField field(Dataset<Row> df, String name) {
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("column '" + name + "' not found. Schema: "
                + InputColumns.describe(df.schema()));
    }

    /** False for the loss and most figures; true for a metric such as accuracy. */
    @Override
    public boolean isLargerBetter() {
        return Figures.largerIsBetter(getMetricName());
    }

    @Override
    public CrossEntropyEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String toString() {
        return "CrossEntropyEvaluator: uid=" + uid + ", metricName=" + getMetricName();
    }

    /** The reader for saved evaluators. */
    public static MLReader<CrossEntropyEvaluator> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads an evaluator saved with {@code write().save(path)}. */
    public static CrossEntropyEvaluator load(String path) {
        return read().load(path);
    }
}
