package dev.xent.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.Serializable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a target-log-probs input ({@code dev.xent.core.TargetLogProbs}), checked against the schema before
 * any job runs. Either every column holds one array per row (a sequence: {@code array<float|double>}
 * log-probabilities, {@code array<boolean|integer>} mask, {@code array<float|double>} token weights,
 * {@code array<integer>} targets) or every one holds a scalar (one token per row, a sequence of one). The target
 * column is optional and used when the schema has it (for class weights and the ignore index); byte and word counts
 * are per row. {@link #canonical()} gives them in one form: {@code array<double>, array<boolean>, array<double>,
 * array<bigint>, bigint, bigint}, null for a column not given.
 */
final class TargetLogProbColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    final String logits;
    final String target;
    final String mask;
    final String weights;
    final String bytes;
    final String words;
    final boolean sequence;

    private TargetLogProbColumns(String logits, String target, String mask, String weights, String bytes,
            String words, boolean sequence) {
        this.logits = logits;
        this.target = target;
        this.mask = mask;
        this.weights = weights;
        this.bytes = bytes;
        this.words = words;
        this.sequence = sequence;
    }

    /**
     * Checks the columns in {@code schema}; {@code targetColumn} is used only when the schema has it, the mask,
     * weight, byte and word columns (each may be null) must exist.
     *
     * @throws InputSchemaException naming the column, what was expected and the schema found
     */
    static TargetLogProbColumns resolve(StructType schema, String logitsColumn, String targetColumn,
            String maskColumn, String weightColumn, String bytesColumn, String wordsColumn) {
        StructField logits = InputColumns.field(schema, logitsColumn, "target log-probabilities");
        DataType t = logits.dataType();
        boolean sequence;
        if (isFloating(t)) {
            sequence = false;
        } else if (t instanceof ArrayType && isFloating(((ArrayType) t).elementType())) {
            sequence = true;
        } else {
            throw new InputSchemaException("column '" + logits.name() + "' (target log-probabilities) has type "
                    + t.simpleString() + "; expected array<float|double> (one sequence per row) or float/double "
                    + "(one token per row)" + (t instanceof ArrayType && ((ArrayType) t).elementType()
                    instanceof ArrayType ? " (full logits go with --input-kind logits)" : "") + ". Schema: "
                    + InputColumns.describe(schema));
        }
        String target = null;
        if (targetColumn != null && has(schema, targetColumn)) {
            StructField f = InputColumns.field(schema, targetColumn, "target");
            if (!matches(f.dataType(), sequence, CatalogArguments::isIntegral)) {
                boolean soft = matches(f.dataType(), sequence, x -> x instanceof ArrayType)
                        || matches(f.dataType(), sequence, TargetLogProbColumns::isFloating);
                throw new InputSchemaException("column '" + f.name() + "' (target) has type "
                        + f.dataType().simpleString() + "; with target log-probabilities it may only hold "
                        + (sequence ? "array<int>" : "an integer") + " class indices (for class weights and the "
                        + "ignore index)" + (soft ? ": probability targets need the whole distribution" : "")
                        + ". Schema: " + InputColumns.describe(schema));
            }
            target = f.name();
        }
        String mask = optional(schema, maskColumn, "mask", sequence, "boolean or integer",
                x -> x instanceof BooleanType || CatalogArguments.isIntegral(x));
        String weights = optional(schema, weightColumn, "token weights", sequence, "float or double",
                TargetLogProbColumns::isFloating);
        String bytes = optional(schema, bytesColumn, "count", false, "integer", CatalogArguments::isIntegral);
        String words = optional(schema, wordsColumn, "count", false, "integer", CatalogArguments::isIntegral);
        return new TargetLogProbColumns(logits.name(), target, mask, weights, bytes, words, sequence);
    }

    /** The same columns as {@link InputColumns} sees them (sequences of class-index tokens). */
    InputColumns inputColumns() {
        return InputColumns.targetLogProbs(logits, target == null ? logits : target)
                .withCounts(bytes, words);
    }

    /** The columns in one form (see the class notes), in the order the scan reads them. */
    Column[] canonical() {
        return new Column[] {
            form(logits, DataTypes.DoubleType),
            mask == null ? lit(null).cast("array<boolean>") : form(mask, DataTypes.BooleanType),
            weights == null ? lit(null).cast("array<double>") : form(weights, DataTypes.DoubleType),
            target == null ? lit(null).cast("array<bigint>") : form(target, DataTypes.LongType),
            bytes == null ? lit(null).cast("bigint") : col(InputColumns.quote(bytes)).cast(DataTypes.LongType),
            words == null ? lit(null).cast("bigint") : col(InputColumns.quote(words)).cast(DataTypes.LongType)};
    }

    /** A column as an array of {@code type}: cast (sequences) or wrapped in an array of one (one token per row). */
    private Column form(String name, DataType type) {
        Column c = col(InputColumns.quote(name));
        return sequence ? c.cast(DataTypes.createArrayType(type)) : functions.array(c.cast(type));
    }

    private static String optional(StructType schema, String name, String role, boolean sequence, String expected,
            java.util.function.Predicate<DataType> element) {
        if (name == null) {
            return null;
        }
        StructField f = InputColumns.field(schema, name, role);
        if (!matches(f.dataType(), sequence, element)) {
            throw new InputSchemaException("column '" + f.name() + "' (" + role + ") has type "
                    + f.dataType().simpleString() + "; expected " + (sequence ? "an array of " + expected
                    : "a " + expected) + (sequence ? ", one per token" : "") + ". Schema: "
                    + InputColumns.describe(schema));
        }
        return f.name();
    }

    private static boolean matches(DataType t, boolean sequence, java.util.function.Predicate<DataType> element) {
        return sequence ? t instanceof ArrayType && element.test(((ArrayType) t).elementType()) : element.test(t);
    }

    private static boolean has(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFloating(DataType t) {
        return t instanceof FloatType || t instanceof DoubleType;
    }
}
