package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.LossState;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * xent's SQL functions as a Spark function catalog, enabled with
 * {@code --conf spark.sql.catalog.xent=dev.xent.spark.XentCatalog} and xent's jar:
 * <ul>
 *   <li>{@code xent.loss(logits, target [, options])}: PyTorch's per-row loss, {@code double}
 *       ({@link IndexLoss}, {@link ProbabilityLoss});</li>
 *   <li>{@code xent.log_softmax(logits)}: {@code array<double>} ({@link LogSoftmaxSqlFunction});</li>
 *   <li>{@code xent.sequence_loss(logits, targets [, options])}: per-token losses
 *       ({@link SequenceLossSqlFunction});</li>
 *   <li>{@code xent.agg(logits, target [, options])}: the exact aggregate, a struct ({@link LossAggregate});</li>
 *   <li>{@code xent.agg(logp [, mask] [, options])}, without a target: the same struct for input kind
 *       target-log-probs, which the options (or the session's settings) must name
 *       ({@link TargetLogProbAggregate}).</li>
 * </ul>
 * Logits are {@code array<float>} or {@code array<double>}; a target is an integer class index or an array of
 * probabilities. {@code options} is an optional {@code map<string,string>} ({@link CallOptions}: {@code weight},
 * {@code ignore_index}, {@code label_smoothing}, {@code input_kind}) over the session's {@code spark.xent.*}
 * settings, read when a call is bound. The functions live in the catalog's root namespace and in {@code system}
 * ({@code xent.system.loss}); the scalar ones run inside whole-stage codegen through magic {@code invoke} methods.
 */
public final class XentCatalog implements FunctionCatalog {
    private static final String[] SYSTEM = {"system"};

    private final Map<String, UnboundFunction> functions = new LinkedHashMap<>();
    private String name = "xent";

    public XentCatalog() {
        add(new CatalogFunction("loss", "xent.loss(logits, target [, options]): PyTorch's per-row cross-entropy",
                XentCatalog::bindLoss));
        add(new CatalogFunction("log_softmax", "xent.log_softmax(logits): the row's log-softmax, in double",
                XentCatalog::bindLogSoftmax));
        add(new CatalogFunction("sequence_loss", "xent.sequence_loss(logits, targets [, options]): per-token losses",
                XentCatalog::bindSequenceLoss));
        add(new CatalogFunction("agg", "xent.agg(logits, target [, options]): PyTorch's mean and sum, exactly",
                XentCatalog::bindAggregate));
    }

    private void add(UnboundFunction f) {
        functions.put(f.name(), f);
    }

    @Override
    public void initialize(String name, CaseInsensitiveStringMap options) {
        this.name = name;
        CallOptionsCheck.addToActiveSession();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Identifier[] listFunctions(String[] namespace) throws NoSuchNamespaceException {
        if (!isOurs(namespace)) {
            throw new NoSuchNamespaceException(namespace);
        }
        return functions.keySet().stream().map(f -> Identifier.of(namespace, f)).toArray(Identifier[]::new);
    }

    @Override
    public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
        UnboundFunction f = isOurs(ident.namespace()) ? functions.get(ident.name().toLowerCase(Locale.ROOT)) : null;
        if (f == null) {
            throw new NoSuchFunctionException(ident);
        }
        return f;
    }

    private static boolean isOurs(String[] namespace) {
        return namespace.length == 0 || Arrays.equals(namespace, SYSTEM);
    }

    /** The session's {@code spark.xent.*} settings, as the call is bound. */
    private static CrossEntropyOptions defaults() {
        SQLConf conf = SQLConf.get();
        return XentSqlExtensions.options(conf::getConfString);
    }

    private static BoundFunction bindLoss(StructType input) {
        CatalogArguments args = new CatalogArguments("loss", input, 2, "(logits, target [, options])");
        boolean isFloat = args.isFloatArray(0, "logits");
        if (CatalogArguments.isIntegral(args.type(1))) {
            return input.fields()[1].nullable() ? new NullableTargetLoss(isFloat, args.hasOptions(), defaults())
                    : new IndexLoss(isFloat, args.hasOptions(), defaults());
        }
        if (CatalogArguments.isFloatingArray(args.type(1))) {
            return new ProbabilityLoss(isFloat, args.hasOptions(), defaults());
        }
        throw args.fail(1, "target", "an integer class index or an array<float>/array<double> of probabilities");
    }

    private static BoundFunction bindLogSoftmax(StructType input) {
        CatalogArguments args = new CatalogArguments("log_softmax", input, 1, "(logits)");
        if (args.hasOptions()) {
            throw new UnsupportedOperationException("xent.log_softmax takes one argument, (logits), got 2");
        }
        return new LogSoftmaxSqlFunction(args.isFloatArray(0, "logits"));
    }

    private static BoundFunction bindSequenceLoss(StructType input) {
        CatalogArguments args = new CatalogArguments("sequence_loss", input, 2, "(logits, targets [, options])");
        if (!(args.type(0) instanceof ArrayType)
                || !CatalogArguments.isFloatingArray(((ArrayType) args.type(0)).elementType())) {
            throw args.fail(0, "logits", "array<array<float>> or array<array<double>>");
        }
        boolean isFloat = ((ArrayType) ((ArrayType) args.type(0)).elementType()).elementType()
                instanceof org.apache.spark.sql.types.FloatType;
        if (!(args.type(1) instanceof ArrayType)
                || !CatalogArguments.isIntegral(((ArrayType) args.type(1)).elementType())) {
            throw args.fail(1, "targets", "an array of integer class indices");
        }
        return new SequenceLossSqlFunction(isFloat, args.hasOptions(), defaults());
    }

    private static BoundFunction bindAggregate(StructType input) {
        if (isTargetLogProbCall(input)) {
            return bindTargetLogProbAggregate(input);
        }
        CatalogArguments args = new CatalogArguments("agg", input, 2, "(logits, target [, options])");
        boolean isFloat = args.isFloatArray(0, "logits");
        if (CatalogArguments.isIntegral(args.type(1))) {
            return new LossAggregate(isFloat, LossState.Targets.CLASS_INDEX, args.hasOptions(), defaults());
        }
        if (CatalogArguments.isFloatingArray(args.type(1))) {
            return new LossAggregate(isFloat, LossState.Targets.PROBABILITIES, args.hasOptions(), defaults());
        }
        throw args.fail(1, "target", "an integer class index or an array<float>/array<double> of probabilities");
    }

    /**
     * True for a call of {@code xent.agg} without a target: {@code (logp)}, {@code (logp, options)},
     * {@code (logp, mask)} or {@code (logp, mask, options)}, where a mask is an array of booleans or integers.
     */
    private static boolean isTargetLogProbCall(StructType input) {
        int n = input.fields().length;
        int core = n > 0 && input.fields()[n - 1].dataType() instanceof MapType ? n - 1 : n;
        return core == 1 || core == 2 && isMask(input.fields()[1].dataType());
    }

    private static boolean isMask(DataType t) {
        return t instanceof ArrayType && (((ArrayType) t).elementType() instanceof BooleanType
                || CatalogArguments.isIntegral(((ArrayType) t).elementType()));
    }

    private static BoundFunction bindTargetLogProbAggregate(StructType input) {
        int n = input.fields().length;
        boolean withOptions = input.fields()[n - 1].dataType() instanceof MapType;
        int core = withOptions ? n - 1 : n;
        CatalogArguments args = new CatalogArguments("agg", input, core, TargetLogProbAggregate.USAGE.substring(8));
        DataType logp = args.type(0);
        boolean sequence = CatalogArguments.isFloatingArray(logp);
        if (!sequence && !(logp instanceof FloatType || logp instanceof DoubleType)) {
            throw args.fail(0, "logp", "array<float>/array<double> (a sequence's target log-probabilities) or "
                    + "float/double (one token per row)");
        }
        DataType mask = core == 2 ? ((ArrayType) args.type(1)).elementType() : null;
        try {
            return new TargetLogProbAggregate(sequence, mask, withOptions, defaults());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOperationException(e.getMessage(), e);
        }
    }
}
