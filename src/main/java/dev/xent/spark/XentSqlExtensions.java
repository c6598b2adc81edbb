package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.OptionsReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BinaryOperator;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.BoxedUnit;

/**
 * Makes xent's SQL functions ({@code xent_loss}, {@code xent_log_softmax}, {@code xent_agg}, {@code xent_agg_probs})
 * available in every session started with
 * {@code --conf spark.sql.extensions=dev.xent.spark.XentSqlExtensions} and xent's jar: spark-sql, PySpark, or any
 * Spark application, with no code. The functions' default options come from the session's settings:
 * {@code spark.xent.weight} (comma-separated), {@code spark.xent.ignoreIndex}, {@code spark.xent.labelSmoothing},
 * {@code spark.xent.inputKind} ({@code logits}, {@code logProbs}, {@code probabilities}), {@code spark.xent.classes};
 * PyTorch's defaults otherwise. They are read by {@link OptionsReader}, as a catalog call's map is: the same keys
 * (snake_case works too) and the same messages.
 *
 * <p>The old names run the catalog's functions ({@link XentCatalog}, no catalog setting needed): {@code xent_loss}
 * is {@code xent.loss}, {@code xent_log_softmax} is {@code xent.log_softmax}, and {@code xent_agg} /
 * {@code xent_agg_probs} are {@code xent.agg} with its struct's fields renamed to the old ones
 * ({@link CatalogFunctionBuilder}); they take the same optional per-call options map, and read the settings when a
 * call is analyzed. A check rule reads the constant options maps of the calls ({@link CallOptionsCheck}): with this
 * extension, a bad per-call option is an analysis error.
 */
public final class XentSqlExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        CatalogFunctionBuilder loss = new CatalogFunctionBuilder("loss");
        CatalogFunctionBuilder aggregate = new CatalogFunctionBuilder("agg");
        inject(extensions, "xent_loss", loss, "xent_loss(logits, target [, options]): xent.loss");
        inject(extensions, "xent_log_softmax", new CatalogFunctionBuilder("log_softmax"),
                "xent_log_softmax(logits): xent.log_softmax");
        inject(extensions, "xent_agg", CatalogFunctionBuilder.oldAggregateStruct(aggregate),
                "xent_agg(logits, target [, options]): xent.agg, as {mean, sum, weightSum, rows, scored, ignored, "
                        + "rejected, nonFinite}");
        inject(extensions, "xent_agg_probs", CatalogFunctionBuilder.oldAggregateStruct(aggregate),
                "xent_agg_probs(logits, probabilities [, options]): as xent_agg");
        extensions.injectCheckRule(session -> plan -> {
            CallOptionsCheck.check(plan);
            return BoxedUnit.UNIT;
        });
        return BoxedUnit.UNIT;
    }

    private static void inject(SparkSessionExtensions extensions, String name,
            Function1<Seq<Expression>, Expression> builder, String usage) {
        extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply(name),
                new ExpressionInfo(XentSqlExtensions.class.getName(), null, name, usage, ""), builder));
    }

    /** The options the {@code spark.xent.*} settings give; {@code conf} returns a setting, or its fallback. */
    static CrossEntropyOptions options(BinaryOperator<String> conf) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : SETTINGS) {
            settings.put(key, conf.apply("spark.xent." + key, null));
        }
        return OptionsReader.read(CrossEntropyOptions.builder().build(), settings);
    }

    /** The settings read, each {@code spark.xent.<key>}, by {@link OptionsReader} (which also takes snake_case). */
    private static final String[] SETTINGS = {"weight", "ignoreIndex", "labelSmoothing", "inputKind", "classes"};
}
