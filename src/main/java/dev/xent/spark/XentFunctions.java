package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * xent's Spark SQL functions, for the DataFrame API and (after {@link #register}) for SQL:
 * <ul>
 *   <li>{@code xent_loss(logits, target)}: PyTorch's per-row loss ({@code reduction='none'}); the target is a class
 *       index or an array of probabilities.</li>
 *   <li>{@code xent_log_softmax(logits)}: the row's log-softmax, {@code array<double>}.</li>
 *   <li>{@code xent_agg(logits, target)} and {@code xent_agg_probs(logits, probabilities)}: the exact aggregate, a
 *       struct {@code {mean, sum, weightSum, rows, scored, ignored, rejected, nonFinite}} with PyTorch's mean and
 *       sum over the rows (of each group, with {@code GROUP BY}).</li>
 * </ul>
 * Options (weight, ignore index, label smoothing, input kind) are fixed when the functions are made or registered.
 */
public final class XentFunctions {
    private XentFunctions() {
    }

    /** The per-row loss UDF. {@code classes} fixes C (0: each row's length, or the weight's). */
    public static UserDefinedFunction lossFunction(CrossEntropyOptions options, int classes) {
        return lossFunction(options, classes, null);
    }

    /** The per-row loss UDF for logits that may be binary, packed as {@code encoding}. */
    public static UserDefinedFunction lossFunction(CrossEntropyOptions options, int classes,
            dev.xent.core.LogitsEncoding encoding) {
        return functions.udf(new RowLossFunction(options, classes, encoding), DataTypes.DoubleType);
    }

    /** {@code xent_loss(logits, target)} as a column. */
    public static Column loss(Column logits, Column target, CrossEntropyOptions options) {
        return lossFunction(options, 0).apply(logits, target);
    }

    /** The log-softmax UDF. */
    public static UserDefinedFunction logSoftmaxFunction() {
        return functions.udf(new LogSoftmaxFunction(), DataTypes.createArrayType(DataTypes.DoubleType, false));
    }

    /** {@code xent_log_softmax(logits)} as a column. */
    public static Column logSoftmax(Column logits) {
        return logSoftmaxFunction().apply(logits);
    }

    /**
     * The exact aggregate over checked input columns, as a struct column of {@link LossSummary}'s fields.
     *
     * @param classes C, known before the scan
     * @param policy  what to do with invalid and non-finite rows
     */
    public static Column aggregate(InputColumns input, CrossEntropyOptions options, int classes, RowPolicy policy) {
        LossAggregator<LossSummary> aggregator = LossAggregator.summarizing(options, classes, input, policy);
        return functions.udaf(aggregator, Encoders.bean(EvaluationRow.class)).apply(input.aggregateInputs());
    }

    /** Registers {@code xent_loss}, {@code xent_log_softmax}, {@code xent_agg} and {@code xent_agg_probs}. */
    public static void register(SparkSession spark, CrossEntropyOptions options) {
        spark.udf().register("xent_loss", lossFunction(options, 0));
        spark.udf().register("xent_log_softmax", logSoftmaxFunction());
        spark.udf().register("xent_agg", functions.udaf(
                new SqlLossAggregator<SqlIndexRow>(options, LossState.Targets.CLASS_INDEX),
                Encoders.bean(SqlIndexRow.class)));
        spark.udf().register("xent_agg_probs", functions.udaf(
                new SqlLossAggregator<SqlProbabilityRow>(options, LossState.Targets.PROBABILITIES),
                Encoders.bean(SqlProbabilityRow.class)));
    }
}
