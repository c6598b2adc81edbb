package dev.xent.spark;

import static org.apache.spark.sql.functions.col;

import dev.xent.core.LossState;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The per-row losses of an {@link Evaluation} ({@code reduction='none'}) as a lazy DataFrame: the id columns (else
 * every input column but the logits) and {@code loss} (a double, or an array of doubles per sequence), each computed
 * by {@link PartitionLosses}. An invalid row fails the job that reads it (see {@link InvalidRowNamer}).
 */
final class PerRowLosses {
    private PerRowLosses() {
    }

    /**
     * @throws InputSchemaException when the kept columns already hold a {@code loss} column
     */
    static Dataset<Row> of(EvaluationSpec spec, InputColumns columns, int classes) {
        Dataset<Row> input = spec.input;
        List<Column> keep = new ArrayList<>();
        if (!spec.idColumns.isEmpty()) {
            spec.idColumns.forEach(n -> keep.add(col(InputColumns.quote(n))));
        } else {
            for (StructField f : input.schema().fields()) {
                if (!f.name().equals(columns.logitsName())) {
                    keep.add(col(InputColumns.quote(f.name())));
                }
            }
        }
        for (StructField f : input.schema().fields()) {
            if (f.name().equalsIgnoreCase("loss") && (spec.idColumns.isEmpty() || spec.idColumns.contains(f.name()))) {
                throw new InputSchemaException("the input already has a column '" + f.name()
                        + "'; name the columns to keep with --id-cols. Schema: " + InputColumns.describe(input.schema()));
            }
        }
        DataType[] keptTypes = new DataType[keep.size()];
        StructType schema = new StructType();
        Dataset<Row> kept = input.select(keep.toArray(new Column[0]));
        for (int i = 0; i < keptTypes.length; i++) {
            StructField f = kept.schema().fields()[i];
            keptTypes[i] = f.dataType();
            schema = schema.add(f);
        }
        schema = schema.add("loss", columns.isSequence()
                ? DataTypes.createArrayType(DataTypes.DoubleType, false) : DataTypes.DoubleType, false);
        keep.add(columns.logitsArray());
        keep.add(columns.target());
        PartitionLosses losses = new PartitionLosses(keptTypes, columns.logitsType(),
                columns.targets() == LossState.Targets.PROBABILITIES && !columns.isSequence(),
                new RowLossFunction(spec.options, classes, spec.encoding),
                new SequenceLossFunction(spec.options, classes));
        JavaRDD<Row> rows = spec.data().select(keep.toArray(new Column[0])).queryExecution().toRdd().toJavaRDD()
                .mapPartitions(losses);
        return input.sparkSession().createDataFrame(rows, schema);
    }
}
