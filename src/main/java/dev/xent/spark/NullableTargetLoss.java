package dev.xent.spark;

import dev.xent.core.RowRule;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code xent.loss(logits, target [, options])} for a class-index column that may hold nulls (every Parquet
 * column does): {@link IndexLoss}'s loss, called through {@link #produceResult} so that a null target is seen and
 * fails the row ({@code NULL_TARGET}, as in {@code bin/xent}) instead of giving NULL. Spark evaluates it inside the
 * whole-stage-codegen stage as a fallback expression: the row's arguments are read from an internal row (the
 * target and the result boxed once per row; the logits, as in {@link IndexLoss}, never).
 */
public final class NullableTargetLoss implements ScalarFunction<Double>, Serializable {
    private static final long serialVersionUID = 1L;

    private final IndexLoss loss;

    NullableTargetLoss(IndexLoss loss) {
        this.loss = loss;
    }

    @Override
    public Double produceResult(InternalRow input) {
        if (input.isNullAt(1)) {
            throw RowRule.nullTarget();
        }
        boolean withOptions = input.numFields() > 2 && !input.isNullAt(2);
        return loss.loss(input.isNullAt(0) ? null : input.getArray(0), input.getLong(1),
                withOptions ? input.getMap(2) : null);
    }

    @Override
    public DataType[] inputTypes() {
        return loss.inputTypes();
    }

    @Override
    public DataType resultType() {
        return DataTypes.DoubleType;
    }

    @Override
    public boolean isResultNullable() {
        return false;
    }

    @Override
    public String name() {
        return "loss";
    }

    @Override
    public String canonicalName() {
        return loss.canonicalName();
    }
}
