package dev.xent.spark;

import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InputKind;
import dev.xent.core.LossState;
import dev.xent.core.TargetLogProbs;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code xent.agg(logp [, mask] [, options])}: the exact aggregate of input kind target-log-probs, each row's
 * {@code logp} the target log-probabilities of one sequence ({@code array<double>}, floats widened exactly) or of one
 * token ({@code double}: a sequence of one), with an optional {@code mask} ({@code array<boolean>}, or integers where
 * nonzero is scored). Every row goes through the core's rule ({@link TargetLogProbs}), as in
 * {@code bin/xent evaluate --input-kind target-log-probs} without quarantine: the same {@link LossState}, so the
 * same bits, and {@link LossAggregate#RESULT} as the result ({@code rows} counts sequences, {@code scored} and
 * {@code ignored} tokens). An invalid row (a null or positive scored log-probability, a mask of another length)
 * fails the query with the core's error; no rows give a NaN mean and zero counts.
 *
 * <p>The call's options must have input kind target-log-probs (the options map's {@code input_kind}, else the
 * session's {@code spark.xent.input-kind}); label smoothing and class weights (no target classes here) are refused
 * naming the key, when the call is bound or its constant options map is read ({@link CallOptionsCheck}).
 */
final class TargetLogProbAggregate implements AggregateFunction<AggregateState, InternalRow>, TakesCallOptions {
    private static final long serialVersionUID = 1L;

    /** The call's shape, in messages. */
    static final String USAGE = "xent.agg(logp [, mask] [, options])";

    private final boolean sequence;
    private final boolean withMask;
    private final boolean booleanMask;
    private final boolean withOptions;
    private final CallOptions calls;
    private transient CrossEntropyOptions first;
    private transient TargetLogProbs rule;

    /**
     * @param sequence    true for {@code array} log-probabilities, false for one per row
     * @param mask        the mask's element type, or null without a mask
     * @param withOptions true when the call ends with an options map
     * @throws IllegalArgumentException when the call has no options map and the session's options do not fit
     */
    TargetLogProbAggregate(boolean sequence, DataType mask, boolean withOptions, CrossEntropyOptions defaults) {
        this.sequence = sequence;
        this.withMask = mask != null;
        this.booleanMask = mask instanceof org.apache.spark.sql.types.BooleanType;
        this.withOptions = withOptions;
        this.calls = new CallOptions(defaults);
        if (!withOptions) {
            ruleOf(defaults);
        }
    }

    /** The rule for {@code options}; refuses another input kind, label smoothing and class weights, naming the key. */
    private static TargetLogProbs ruleOf(CrossEntropyOptions options) {
        if (options.inputKind() != InputKind.TARGET_LOG_PROBABILITIES) {
            throw new IllegalArgumentException("xent option 'input_kind': " + USAGE + " has no target, so it reads "
                    + "target log-probabilities: add map('input_kind', 'target-log-probs') (or give a target: "
                    + "xent.agg(logits, target [, options])); got " + options.inputKind().name().toLowerCase(
                    java.util.Locale.ROOT).replace('_', '-'));
        }
        if (options.hasWeight()) {
            throw new IllegalArgumentException("xent option 'weight': class weights need each token's target class, "
                    + "which " + USAGE + " does not take; evaluate with bin/xent --target-col to apply them");
        }
        try {
            return new TargetLogProbs(options, false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("xent option '" + e.getMessage().replaceFirst(": ", "': "), e);
        }
    }

    @Override
    public CrossEntropyOptions callOptions(MapData map) {
        CrossEntropyOptions o = calls.of(map);
        ruleOf(o);
        return o;
    }

    @Override
    public AggregateState newAggregationState() {
        return new AggregateState();
    }

    @Override
    public AggregateState update(AggregateState buffer, InternalRow input) {
        int optionsAt = withMask ? 2 : 1;
        CrossEntropyOptions o = calls.of(withOptions && !input.isNullAt(optionsAt) ? input.getMap(optionsAt) : null);
        if (first == null) {
            rule = ruleOf(o);
            first = o;
        } else if (o != first && !o.equals(first)) {
            throw new IllegalArgumentException("xent.agg: the options map must be the same on every row, got "
                    + first + " and " + o);
        }
        if (buffer.state() == null) {
            buffer.start(rule.emptyState(), 0);
        }
        double[] logp = input.isNullAt(0) ? null
                : sequence ? doubles(input.getArray(0)) : new double[] {input.getDouble(0)};
        boolean[] mask = withMask ? mask(input) : null;
        rule.add(buffer.state(), logp, mask, null, null, 0, 0);
        return buffer;
    }

    /** The row's mask, as {@link TokenRow} reads it: a null mask or a null element makes the row invalid. */
    private boolean[] mask(InternalRow input) {
        if (input.isNullAt(1)) {
            throw TargetLogProbs.nullColumn("mask");
        }
        ArrayData m = input.getArray(1);
        boolean[] out = new boolean[m.numElements()];
        for (int t = 0; t < out.length; t++) {
            if (m.isNullAt(t)) {
                throw TargetLogProbs.nullElement("mask", t);
            }
            out[t] = booleanMask ? m.getBoolean(t) : m.getLong(t) != 0;
        }
        return out;
    }

    /** The log-probabilities, a null element read as NaN (invalid where scored), as {@link TokenRow} reads them. */
    private static double[] doubles(ArrayData a) {
        double[] out = new double[a.numElements()];
        for (int t = 0; t < out.length; t++) {
            out[t] = a.isNullAt(t) ? Double.NaN : a.getDouble(t);
        }
        return out;
    }

    @Override
    public AggregateState merge(AggregateState left, AggregateState right) {
        return left.merge(right);
    }

    @Override
    public InternalRow produceResult(AggregateState buffer) {
        LossState s = buffer.state() != null ? buffer.state()
                : LossState.of(calls.defaults(), LossState.Targets.CLASS_INDEX);
        return new GenericInternalRow(new Object[] {s.mean(), s.sum(), s.weightSum(), s.standardError(), s.rows(),
            s.scored(), s.ignored(), s.nonFinite(), s.nonFiniteInputs()});
    }

    @Override
    public DataType[] inputTypes() {
        DataType logp = sequence ? CatalogArguments.DOUBLES : DataTypes.DoubleType;
        DataType mask = DataTypes.createArrayType(booleanMask ? DataTypes.BooleanType : DataTypes.LongType);
        if (withMask) {
            return withOptions ? new DataType[] {logp, mask, CatalogArguments.OPTIONS} : new DataType[] {logp, mask};
        }
        return withOptions ? new DataType[] {logp, CatalogArguments.OPTIONS} : new DataType[] {logp};
    }

    @Override
    public DataType resultType() {
        return LossAggregate.RESULT;
    }

    @Override
    public boolean isResultNullable() {
        return false;
    }

    @Override
    public String name() {
        return "agg";
    }
}
