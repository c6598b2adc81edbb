package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.RowRule;
import dev.xent.core.SequenceLoss;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code xent.sequence_loss(logits, targets [, options])} bound to {@code array<array<float>>} or
 * {@code array<array<double>>} logits (T tokens of C) and integer targets (T; Spark casts them to
 * {@code array<bigint>}): PyTorch's per-token losses ({@code reduction='none'} of a K-dimensional call),
 * {@code array<double>}, 0 for ignored tokens, as
 * {@code bin/xent --reduction none} writes them. C is the options', else the first
 * token's. An invalid token (or a null element without a NaN beside it) fails the query naming the token.
 */
public final class SequenceLossSqlFunction implements ScalarFunction<ArrayData>, Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean floatLogits;
    private final boolean withOptions;
    private final CallOptions options;
    private transient Map<List<Object>, SequenceLoss> kernels;

    SequenceLossSqlFunction(boolean floatLogits, boolean withOptions, CrossEntropyOptions defaults) {
        this.floatLogits = floatLogits;
        this.withOptions = withOptions;
        this.options = new CallOptions(defaults);
    }

    /** The per-token losses of one row under the session's options. */
    public ArrayData invoke(ArrayData logits, ArrayData targets) {
        return losses(logits, targets, options.of(null));
    }

    /** The per-token losses of one row under the call's options. */
    public ArrayData invoke(ArrayData logits, ArrayData targets, MapData map) {
        return losses(logits, targets, options.of(map));
    }

    private ArrayData losses(ArrayData logits, ArrayData targets, CrossEntropyOptions o) {
        double[][] tokens = SequenceLossFunction.tokens(logits, floatLogits);
        long[] y = SequenceLossFunction.targets(targets);
        int c = RowRule.classes(o, RowRule.firstLength(tokens));
        if (kernels == null) {
            kernels = new HashMap<>();
        }
        SequenceLoss kernel = kernels.computeIfAbsent(List.of(o, c), k -> new SequenceLoss(o, c));
        return UnsafeArrayData.fromPrimitiveArray(kernel.none(tokens, y));
    }

    @Override
    public DataType[] inputTypes() {
        DataType logits = DataTypes.createArrayType(floatLogits ? CatalogArguments.FLOATS : CatalogArguments.DOUBLES);
        DataType targets = DataTypes.createArrayType(DataTypes.LongType);
        return withOptions ? new DataType[] {logits, targets, CatalogArguments.OPTIONS}
                : new DataType[] {logits, targets};
    }

    @Override
    public DataType resultType() {
        return DataTypes.createArrayType(DataTypes.DoubleType, false);
    }

    @Override
    public boolean isResultNullable() {
        return false;
    }

    @Override
    public String name() {
        return "sequence_loss";
    }

    @Override
    public String canonicalName() {
        return "xent.sequence_loss(" + (floatLogits ? "array<array<float>>" : "array<array<double>>")
                + ", array<bigint>" + (withOptions ? ", map<string,string>)" : ")");
    }
}
