package dev.xent.spark;

import dev.xent.core.CrossEntropy;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LossState;
import dev.xent.core.NonFiniteValues;
import dev.xent.core.RowRule;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.AggregateFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code xent.agg(logits, target [, options])}: the exact aggregate over {@code array<float>} or
 * {@code array<double>} logits and a class index or a row of probabilities, as {@code bin/xent evaluate} computes
 * it (same kernel, same exact {@link LossState}, merged across partitions; the result has the same bits for any
 * partitioning). Returns the struct {@link #RESULT}: PyTorch's {@code mean} and {@code sum}, the mean's normalizer
 * {@code weight_sum}, the mean's {@code standard_error}, and the counts {@code rows = scored + ignored},
 * {@code non_finite} (scored rows whose loss is NaN or infinite) and {@code non_finite_inputs} (rows whose logits or
 * probabilities hold a NaN or an infinity). No rows give a NaN mean, a zero sum and zero counts; all rows ignored
 * give a NaN mean, as PyTorch. An invalid row fails the query with the core's {@link InvalidRowException}, the
 * error {@code bin/xent} gives. C is the options' (class count or weight length), else the first row's.
 */
public final class LossAggregate implements AggregateFunction<AggregateState, InternalRow> {
    private static final long serialVersionUID = 1L;

    /** The result's fields. */
    public static final StructType RESULT = new StructType()
            .add("mean", DataTypes.DoubleType, false).add("sum", DataTypes.DoubleType, false)
            .add("weight_sum", DataTypes.DoubleType, false).add("standard_error", DataTypes.DoubleType, false)
            .add("rows", DataTypes.LongType, false).add("scored", DataTypes.LongType, false)
            .add("ignored", DataTypes.LongType, false).add("non_finite", DataTypes.LongType, false)
            .add("non_finite_inputs", DataTypes.LongType, false);

    private final boolean floatLogits;
    private final LossState.Targets targets;
    private final boolean withOptions;
    private final RowLosses rows;
    private transient CrossEntropyOptions first;

    LossAggregate(boolean floatLogits, LossState.Targets targets, boolean withOptions, CrossEntropyOptions defaults) {
        this.floatLogits = floatLogits;
        this.targets = targets;
        this.withOptions = withOptions;
        this.rows = new RowLosses(defaults);
    }

    @Override
    public AggregateState newAggregationState() {
        return new AggregateState();
    }

    @Override
    public AggregateState update(AggregateState buffer, InternalRow input) {
        CrossEntropyOptions o = rows.options(withOptions && !input.isNullAt(2) ? input.getMap(2) : null);
        if (first == null) {
            first = o;
        } else if (o != first && !o.equals(first)) {
            throw new IllegalArgumentException("xent.agg: the options map must be the same on every row, got "
                    + first + " and " + o);
        }
        ArrayData logits = input.isNullAt(0) ? null : input.getArray(0);
        float[] f = floatLogits ? rows.floats(logits) : null;
        double[] d = floatLogits ? null : rows.doubles(logits);
        if (buffer.state() == null) {
            int length = f != null ? f.length : d != null ? d.length : 0;
            buffer.start(LossState.of(o, targets), RowRule.classes(o, length));
        }
        LossState state = buffer.state();
        CrossEntropy kernel = rows.kernel(o, buffer.classes());
        if (targets == LossState.Targets.PROBABILITIES) {
            double[] p = rows.probabilities(input.isNullAt(1) ? null : input.getArray(1));
            countNonFinite(state, f, d, p);
            if (f != null) {
                kernel.add(state, f, p);
            } else {
                kernel.add(state, d, p);
            }
            return buffer;
        }
        countNonFinite(state, f, d, null);
        if (input.isNullAt(1)) {
            throw RowRule.nullTarget();
        }
        if (f != null) {
            kernel.add(state, f, input.getLong(1));
        } else {
            kernel.add(state, d, input.getLong(1));
        }
        return buffer;
    }

    private static void countNonFinite(LossState state, float[] f, double[] d, double[] p) {
        if (NonFiniteValues.any(f) || NonFiniteValues.any(d) || NonFiniteValues.any(p)) {
            state.addNonFiniteInput();
        }
    }

    @Override
    public AggregateState merge(AggregateState left, AggregateState right) {
        return left.merge(right);
    }

    @Override
    public InternalRow produceResult(AggregateState buffer) {
        LossState s = buffer.state() != null ? buffer.state() : LossState.of(rows.options(null), targets);
        return new GenericInternalRow(new Object[] {s.mean(), s.sum(), s.weightSum(), s.standardError(), s.rows(),
            s.scored(), s.ignored(), s.nonFinite(), s.nonFiniteInputs()});
    }

    @Override
    public DataType[] inputTypes() {
        DataType logits = floatLogits ? CatalogArguments.FLOATS : CatalogArguments.DOUBLES;
        DataType target = targets == LossState.Targets.PROBABILITIES ? CatalogArguments.DOUBLES : DataTypes.LongType;
        return withOptions ? new DataType[] {logits, target, CatalogArguments.OPTIONS}
                : new DataType[] {logits, target};
    }

    @Override
    public DataType resultType() {
        return RESULT;
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
