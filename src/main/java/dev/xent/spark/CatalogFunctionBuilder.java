package dev.xent.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.V2ExpressionUtils;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Builds, for an old function name ({@code xent_loss}, {@code xent_agg}, ...), the expression Spark's analyzer
 * builds for the catalog function {@code xent.<name>}: the arguments bind {@link XentCatalog}'s function
 * (its options read from the session's {@code spark.xent.*} settings then), a scalar function becomes what
 * {@code V2ExpressionUtils.resolveScalarFunction} makes of it (a magic-method {@code Invoke}, as for
 * {@code xent.loss}), an aggregate a {@code V2Aggregator} (which the analyzer wraps in an aggregate expression,
 * DISTINCT and FILTER included). This is what Spark's {@code FunctionResolution.resolveV2Function} does (3.5:
 * {@code Analyzer.ResolveFunctions}); the classes used are the same in Spark 3.5 and 4.x. A binding error is the
 * analysis error Spark gives for {@code xent.<name>}.
 */
final class CatalogFunctionBuilder implements Function1<Seq<Expression>, Expression> {
    private final UnboundFunction function;

    /** The builder for the catalog function {@code name} ({@code loss}, {@code agg}, {@code log_softmax}, ...). */
    CatalogFunctionBuilder(String name) {
        try {
            this.function = new XentCatalog().loadFunction(Identifier.of(new String[0], name));
        } catch (org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException e) {
            throw new IllegalArgumentException("no catalog function " + name, e);
        }
    }

    @Override
    public Expression apply(Seq<Expression> arguments) {
        List<Expression> args = CollectionConverters.asJava(arguments);
        StructType input = new StructType();
        for (int i = 0; i < args.size(); i++) {
            input = input.add("_" + i, args.get(i).dataType(), args.get(i).nullable());
        }
        BoundFunction bound;
        try {
            bound = function.bind(input);
        } catch (UnsupportedOperationException e) {
            throw unchecked(QueryCompilationErrors.functionCannotProcessInputError(function, arguments, e));
        }
        if (bound.inputTypes().length != args.size()) {
            throw unchecked(QueryCompilationErrors.v2FunctionInvalidInputTypeLengthError(bound, arguments));
        }
        if (bound instanceof ScalarFunction) {
            return V2ExpressionUtils.resolveScalarFunction((ScalarFunction<?>) bound, arguments);
        }
        return new V2Aggregator<>((AggregateFunction<?, ?>) bound, arguments, 0, 0);
    }

    /**
     * The old {@code xent_agg} struct {@code {mean, sum, weightSum, rows, scored, ignored, rejected, nonFinite}}
     * over {@code xent.agg}'s {@link LossAggregate#RESULT}: the same aggregate, its fields renamed ({@code rejected}
     * is 0: the SQL aggregate fails on an invalid row, it never sets one aside).
     */
    static Function1<Seq<Expression>, Expression> oldAggregateStruct(CatalogFunctionBuilder aggregate) {
        return arguments -> {
            Expression agg = ((V2Aggregator<?, ?>) aggregate.apply(arguments)).toAggregateExpression();
            List<Expression> fields = new ArrayList<>();
            String[][] names = {{"mean", "mean"}, {"sum", "sum"}, {"weightSum", "weight_sum"}, {"rows", "rows"},
                {"scored", "scored"}, {"ignored", "ignored"}, {"rejected", null}, {"nonFinite", "non_finite"}};
            for (String[] n : names) {
                fields.add(Literal.create(n[0], DataTypes.StringType));
                fields.add(n[1] == null ? Literal.create(0L, DataTypes.LongType)
                        : new GetStructField(agg, LossAggregate.RESULT.fieldIndex(n[1]), Option.apply(n[1])));
            }
            return new CreateNamedStruct(CollectionConverters.asScala(fields).toList());
        };
    }

    /** Throws Spark's (checked) {@code AnalysisException} as it is. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException unchecked(Throwable t) throws T {
        throw (T) t;
    }
}
