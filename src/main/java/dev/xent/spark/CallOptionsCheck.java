package dev.xent.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.ExperimentalMethods;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.ApplyFunctionExpression;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.aggregate.V2Aggregator;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.types.DataType;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * Reads the constant options map of every call of a catalog function ({@code xent.loss}, {@code xent.agg},
 * {@code xent.sequence_loss}) in a query plan, so that an unknown key or a bad value fails the query before any row
 * is read, as an {@link AnalysisException} naming the key (Spark's message for a function that cannot process its
 * input). Spark binds a V2 function to its argument types only, so the catalog alone cannot see the map; two hooks
 * run this check:
 * <ul>
 *   <li>with {@code spark.sql.extensions=dev.xent.spark.XentSqlExtensions}, as a check rule of the analyzer: the
 *       error comes when the query is analyzed ({@code spark.sql(...)}, {@code queryExecution().analyzed()});</li>
 *   <li>with only the catalog setting, as an optimizer rule that {@link XentCatalog} adds to its session when Spark
 *       loads it: the error comes when the query is planned ({@code collect()}, {@code explain()}), on the driver,
 *       before any task starts.</li>
 * </ul>
 * A map that is not constant (built from columns) is read row by row, and a bad one fails the query when it runs.
 * Calls inside subqueries are checked when Spark plans the subquery.
 */
final class CallOptionsCheck extends Rule<LogicalPlan> {
    /** The one instance: the optimizer rule is added once per session. */
    static final CallOptionsCheck RULE = new CallOptionsCheck();

    private CallOptionsCheck() {
    }

    @Override
    public LogicalPlan apply(LogicalPlan plan) {
        check(plan);
        return plan;
    }

    /** Throws {@link AnalysisException} on the first call in {@code plan} whose constant options map is bad. */
    static void check(LogicalPlan plan) {
        plan.foreach(node -> {
            node.expressions().foreach(e -> {
                e.foreach(c -> {
                    checkCall(c);
                    return BoxedUnit.UNIT;
                });
                return BoxedUnit.UNIT;
            });
            return BoxedUnit.UNIT;
        });
    }

    /** Adds the check to the optimizer of the active session (the one loading the catalog), once. */
    static void addToActiveSession() {
        Option<SparkSession> active = SparkSession.getActiveSession();
        SparkSession session = active.isDefined() ? active.get()
                : SparkSession.getDefaultSession().getOrElse(() -> null);
        if (session == null) {
            return;
        }
        ExperimentalMethods experimental = session.experimental();
        synchronized (experimental) {
            Seq<Rule<LogicalPlan>> rules = experimental.extraOptimizations();
            if (!rules.contains(RULE)) {
                @SuppressWarnings("unchecked")
                Seq<Rule<LogicalPlan>> more = (Seq<Rule<LogicalPlan>>) rules.appended(RULE);
                experimental.extraOptimizations_$eq(more);
            }
        }
    }

    private static void checkCall(Expression e) {
        Object function;
        Seq<Expression> args;
        if (e instanceof Invoke && ((Invoke) e).targetObject() instanceof Literal) {
            function = ((Literal) ((Invoke) e).targetObject()).value();
            args = ((Invoke) e).arguments();
        } else if (e instanceof ApplyFunctionExpression) {
            function = ((ApplyFunctionExpression) e).function();
            args = e.children();
        } else if (e instanceof V2Aggregator) {
            function = ((V2Aggregator<?, ?>) e).aggrFunc();
            args = e.children();
        } else {
            return;
        }
        if (!(function instanceof TakesCallOptions) || !(function instanceof BoundFunction)) {
            return;
        }
        DataType[] types = ((BoundFunction) function).inputTypes();
        if (types.length != args.size() || !types[types.length - 1].equals(CatalogArguments.OPTIONS)
                || !args.last().foldable()) {
            return;
        }
        try {
            ((TakesCallOptions) function).callOptions((MapData) args.last().eval(null));
        } catch (IllegalArgumentException bad) {
            Map<String, String> parameters = new HashMap<>();
            parameters.put("unbound", "xent." + ((BoundFunction) function).name());
            parameters.put("arguments", args.mkString(", "));
            parameters.put("unsupported", bad.getMessage());
            throw CallOptionsCheck.<RuntimeException>undeclared(new AnalysisException("_LEGACY_ERROR_TEMP_1198",
                    CollectionConverters.asScala(parameters).toMap(scala.$less$colon$less$.MODULE$.refl()),
                    Option.apply(bad)));
        }
    }

    /** Throws {@code e} undeclared, as Scala code does (AnalysisException is a checked exception in Java). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException undeclared(Throwable e) throws T {
        throw (T) e;
    }
}
