package dev.xent.spark;

import dev.xent.core.LogSoftmax;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code xent.log_softmax(logits)} bound to {@code array<float>} or {@code array<double>}: the row's
 * {@code torch.log_softmax(x, -1)} in double, {@code array<double>}, through a magic {@code invoke}; as
 * {@code xent_log_softmax}. Null gives null; a null element fails the row unless a NaN is beside it (then the
 * result is all NaN); an empty row gives an empty array.
 */
public final class LogSoftmaxSqlFunction implements ScalarFunction<ArrayData>, Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean floatLogits;
    private final RowLosses rows;

    LogSoftmaxSqlFunction(boolean floatLogits) {
        this.floatLogits = floatLogits;
        this.rows = new RowLosses(dev.xent.core.CrossEntropyOptions.defaults());
    }

    /** The log-softmax of one row. */
    public ArrayData invoke(ArrayData logits) {
        if (logits == null) {
            return null;
        }
        double[] out = floatLogits ? LogSoftmax.of(rows.floats(logits)) : LogSoftmax.of(rows.doubles(logits));
        return UnsafeArrayData.fromPrimitiveArray(out);
    }

    @Override
    public DataType[] inputTypes() {
        return new DataType[] {floatLogits ? CatalogArguments.FLOATS : CatalogArguments.DOUBLES};
    }

    @Override
    public DataType resultType() {
        return DataTypes.createArrayType(DataTypes.DoubleType, false);
    }

    @Override
    public String name() {
        return "log_softmax";
    }

    @Override
    public String canonicalName() {
        return "xent.log_softmax(" + (floatLogits ? "array<float>)" : "array<double>)");
    }
}
