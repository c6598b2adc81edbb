package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.OptionsReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BinaryOperator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Makes xent's SQL functions ({@code xent_loss}, {@code xent_log_softmax}, {@code xent_agg}, {@code xent_agg_probs})
 * available in every session started with
 * {@code --conf spark.sql.extensions=dev.xent.spark.XentSqlExtensions} and xent's jar: spark-sql, PySpark, or any
 * Spark application, with no code. The functions' options come from the session's settings when it starts:
 * {@code spark.xent.weight} (comma-separated), {@code spark.xent.ignoreIndex}, {@code spark.xent.labelSmoothing},
 * {@code spark.xent.inputKind} ({@code logits}, {@code logProbs}, {@code probabilities}), {@code spark.xent.classes};
 * PyTorch's defaults otherwise. They are read by {@link OptionsReader}, as a catalog call's map is: the same keys
 * (snake_case works too) and the same messages.
 *
 * <p>The functions are registered when the session builds its analyzer, through a check rule that does nothing
 * else: only public extension points are used.
 */
public final class XentSqlExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(session -> {
            XentFunctions.register(session, options(session));
            return plan -> BoxedUnit.UNIT;
        });
        return BoxedUnit.UNIT;
    }

    /** The options the session's {@code spark.xent.*} settings give. */
    static CrossEntropyOptions options(SparkSession session) {
        return options((key, fallback) -> session.conf().get(key, fallback));
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
