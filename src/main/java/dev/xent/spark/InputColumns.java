package dev.xent.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.xent.core.LogitsEncoding;
import dev.xent.core.LossState;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.functions;

/**
 * The logits and target columns of an input, checked against its schema before any job runs, and the columns the
 * aggregate reads (in {@link EvaluationRow}'s order).
 *
 * <p>Logits: {@code array<float>}, {@code array<double>}, an MLlib {@code Vector}, {@code binary} values packed as
 * little-endian fp16, bf16 or fp32 (with a {@link LogitsEncoding}), or (for CSV) a string of numbers separated by
 * commas, semicolons or spaces, optionally in brackets, or an {@code array<string>} (JSON that writes non-finite
 * numbers as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}); a value that is not a number
 * becomes a null element, which makes the row invalid. Probabilities may be an {@code array<string>} likewise. Language-model rows: {@code array<array<float|double>>} logits (T tokens of C) with
 * {@code array<int>} targets (T), optionally with byte and word count columns. Targets: an integer class index ({@code tinyint}, {@code smallint},
 * {@code int}, {@code bigint}) or a row of probabilities ({@code array<float>} or {@code array<double>}).
 */
public final class InputColumns {
    /** How the logits are stored. */
    public enum LogitsType {
        FLOAT_ARRAY,
        DOUBLE_ARRAY,
        VECTOR,
        TEXT,
        TEXT_ARRAY,
        BINARY,
        FLOAT_SEQUENCE,
        DOUBLE_SEQUENCE,
        /** Only each token's target log-probability ({@code dev.xent.core.TargetLogProbs}). */
        TARGET_LOG_PROBABILITIES
    }

    private final String logitsName;
    private final String targetName;
    private final LogitsType logitsType;
    private final boolean logitsMayHoldNull;
    private final LossState.Targets targets;
    private final boolean probabilitiesMayHoldNull;
    private final LogitsEncoding encoding;
    private boolean textProbabilities;
    private String bytesName;
    private String wordsName;

    private InputColumns(String logitsName, String targetName, LogitsType logitsType, boolean logitsMayHoldNull,
            LossState.Targets targets, boolean probabilitiesMayHoldNull, LogitsEncoding encoding) {
        this.logitsName = logitsName;
        this.targetName = targetName;
        this.logitsType = logitsType;
        this.logitsMayHoldNull = logitsMayHoldNull;
        this.targets = targets;
        this.probabilitiesMayHoldNull = probabilitiesMayHoldNull;
        this.encoding = encoding;
    }

    /**
     * Checks the two columns in {@code schema}.
     *
     * @throws InputSchemaException naming the column, what was expected and the schema found
     */
    public static InputColumns resolve(StructType schema, String logitsColumn, String targetColumn) {
        return resolve(schema, logitsColumn, targetColumn, null);
    }

    /**
     * Checks the two columns in {@code schema}; {@code encoding} says how a binary logits column is packed (and
     * must be null for any other column type).
     *
     * @throws InputSchemaException naming the column, what was expected and the schema found
     */
    public static InputColumns resolve(StructType schema, String logitsColumn, String targetColumn,
            LogitsEncoding encoding) {
        StructField logits = field(schema, logitsColumn, "logits");
        StructField target = field(schema, targetColumn, "target");
        LogitsType logitsType = logitsType(logits.dataType());
        if (logitsType == null) {
            throw new InputSchemaException("column '" + logits.name() + "' (logits) has type "
                    + logits.dataType().simpleString() + "; expected array<float>, array<double>, vector, binary, "
                    + "or a string of numbers. Schema: " + describe(schema));
        }
        if (logitsType == LogitsType.BINARY && encoding == null) {
            throw new InputSchemaException("column '" + logits.name() + "' (logits) is binary: give its encoding "
                    + "(fp16, bf16 or fp32). Schema: " + describe(schema));
        }
        if (logitsType != LogitsType.BINARY && encoding != null) {
            throw new InputSchemaException("a logits encoding applies to a binary column, but column '" + logits.name()
                    + "' has type " + logits.dataType().simpleString() + ". Schema: " + describe(schema));
        }
        boolean logitsMayHoldNull = logitsType == LogitsType.TEXT || logitsType == LogitsType.TEXT_ARRAY
                || (logits.dataType() instanceof ArrayType && ((ArrayType) logits.dataType()).containsNull());
        DataType t = target.dataType();
        boolean sequence = logitsType == LogitsType.FLOAT_SEQUENCE || logitsType == LogitsType.DOUBLE_SEQUENCE;
        boolean targetSequence = t instanceof ArrayType && isIntegral(((ArrayType) t).elementType());
        if (sequence != targetSequence) {
            throw new InputSchemaException("column '" + logits.name() + "' (logits) has type "
                    + logits.dataType().simpleString() + " but '" + target.name() + "' (target) has type "
                    + t.simpleString() + "; sequences need array<array<float|double>> logits with array<int> "
                    + "targets. Schema: " + describe(schema));
        }
        if (sequence) {
            return new InputColumns(logits.name(), target.name(), logitsType, true, LossState.Targets.CLASS_INDEX,
                    true, encoding);
        }
        if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType) {
            return new InputColumns(logits.name(), target.name(), logitsType, logitsMayHoldNull,
                    LossState.Targets.CLASS_INDEX, false, encoding);
        }
        if (t instanceof ArrayType && isFloating(((ArrayType) t).elementType())) {
            return new InputColumns(logits.name(), target.name(), logitsType, logitsMayHoldNull,
                    LossState.Targets.PROBABILITIES, ((ArrayType) t).containsNull(), encoding);
        }
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof StringType) {
            InputColumns c = new InputColumns(logits.name(), target.name(), logitsType, logitsMayHoldNull,
                    LossState.Targets.PROBABILITIES, true, encoding);
            c.textProbabilities = true;
            return c;
        }
        throw new InputSchemaException("column '" + target.name() + "' (target) has type " + t.simpleString()
                + "; expected an integer class index (tinyint, smallint, int, bigint) or an array<float>/"
                + "array<double> of probabilities. Schema: " + describe(schema));
    }

    /**
     * The columns of a target-log-probs input as the rest of the evaluation sees them: sequences of class-index
     * tokens, whose logits length is 0 (there is no C). {@link TargetLogProbColumns} reads them.
     */
    static InputColumns targetLogProbs(String logitsName, String targetName) {
        return new InputColumns(logitsName, targetName, LogitsType.TARGET_LOG_PROBABILITIES, true,
                LossState.Targets.CLASS_INDEX, false, null);
    }

    /** How the logits are stored. */
    public LogitsType logitsType() {
        return logitsType;
    }

    public String logitsName() {
        return logitsName;
    }

    public String targetName() {
        return targetName;
    }

    public LossState.Targets targets() {
        return targets;
    }

    /** True for language-model rows: sequences of tokens. */
    public boolean isSequence() {
        return logitsType == LogitsType.FLOAT_SEQUENCE || logitsType == LogitsType.DOUBLE_SEQUENCE
                || logitsType == LogitsType.TARGET_LOG_PROBABILITIES;
    }

    /** The same columns with per-sequence byte and word count columns (either may be null). */
    public InputColumns withCounts(String bytesColumn, String wordsColumn) {
        InputColumns c = new InputColumns(logitsName, targetName, logitsType, logitsMayHoldNull, targets,
                probabilitiesMayHoldNull, encoding);
        c.textProbabilities = textProbabilities;
        c.bytesName = bytesColumn;
        c.wordsName = wordsColumn;
        return c;
    }

    public String bytesName() {
        return bytesName;
    }

    public String wordsName() {
        return wordsName;
    }

    /** How binary logits are packed; null for other column types. */
    public LogitsEncoding encoding() {
        return encoding;
    }

    /** True when the probabilities are stored as text ({@code array<string>}) and need {@link #target()}. */
    boolean textProbabilities() {
        return textProbabilities;
    }

    /** The number of logits in a row (null for null logits). */
    public Column logitsLength() {
        if (logitsType == LogitsType.TARGET_LOG_PROBABILITIES) {
            return lit(0);
        }
        if (isSequence()) {
            // the first token's length; an empty sequence has none (element_at would fail under ANSI mode)
            Column logits = col(quote(logitsName));
            return functions.when(functions.size(logits).gt(0), functions.size(functions.element_at(logits, 1)));
        }
        if (logitsType == LogitsType.BINARY) {
            return functions.length(col(quote(logitsName))).divide(encoding.bytesPerValue()).cast(DataTypes.IntegerType);
        }
        return functions.size(logitsArray());
    }

    /**
     * The logits as an array column, {@code array<float>} or {@code array<double>} (vectors and text converted);
     * binary logits stay binary (the aggregate and the functions decode them).
     */
    public Column logitsArray() {
        Column c = col(quote(logitsName));
        switch (logitsType) {
            case VECTOR:
                return org.apache.spark.ml.functions.vector_to_array(c, "float64");
            case TEXT:
                // try_cast through SQL text: Column.try_cast is Spark 4 only.
                return functions.expr("transform(split(trim(regexp_replace(" + quote(logitsName)
                        + ", '[\\\\[\\\\]]', '')), '[,;\\\\s]+'), x -> try_cast(x AS double))");
            case TEXT_ARRAY:
                return numbers(logitsName);
            default:
                return c;
        }
    }

    /** The target: a {@code bigint} class index, {@code array<bigint>} for sequences, or {@code array<double>}. */
    public Column target() {
        Column c = col(quote(targetName));
        if (isSequence()) {
            return c.cast(DataTypes.createArrayType(DataTypes.LongType));
        }
        if (textProbabilities) {
            return numbers(targetName);
        }
        return targets == LossState.Targets.CLASS_INDEX
                ? c.cast(DataTypes.LongType)
                : c.cast(DataTypes.createArrayType(DataTypes.DoubleType));
    }

    /**
     * An {@code array<string>} column as {@code array<double>}: each element as Spark casts text to a number, so
     * {@code "NaN"}, {@code "Infinity"}, {@code "+Infinity"}, {@code "-Infinity"}, {@code "inf"}, {@code "-inf"}
     * (any case) are those numbers, as JSON writers (Spark's, Jackson's) write non-finite values; any other text
     * that is not a number becomes a null element, which makes the row invalid with its position named.
     */
    private static Column numbers(String column) {
        return functions.expr("transform(" + quote(column) + ", x -> try_cast(x AS double))");
    }

    /** The aggregate's input columns, in {@link EvaluationRow}'s property order. */
    public Column[] aggregateInputs() {
        if (isSequence()) {
            return sequenceInputs();
        }
        Column logits = logitsArray();
        boolean isFloat = logitsType == LogitsType.FLOAT_ARRAY;
        boolean isBinary = logitsType == LogitsType.BINARY;
        Column binaryLogits = isBinary ? logits : lit(null).cast("binary");
        Column doubleLogits = isFloat || isBinary ? lit(null).cast("array<double>") : logits;
        Column floatLogits = isFloat ? logits : lit(null).cast("array<float>");
        Column nullElements = lit(false);
        if (logitsMayHoldNull) {
            nullElements = hasNullElement(logits, isFloat ? DataTypes.FloatType : DataTypes.DoubleType);
        }
        if (probabilitiesMayHoldNull) {
            nullElements = nullElements.or(hasNullElement(target(), DataTypes.DoubleType));
        }
        nullElements = functions.coalesce(nullElements, lit(false));
        boolean soft = targets == LossState.Targets.PROBABILITIES;
        Column probabilities = soft ? target() : lit(null).cast("array<double>");
        Column target = soft ? lit(null).cast("bigint") : target();
        Column none = lit(null).cast("bigint");
        return new Column[] {binaryLogits, doubleLogits, lit(null).cast("array<array<double>>"), floatLogits,
            lit(null).cast("array<array<float>>"), nullElements, probabilities, none, none, target,
            lit(null).cast("array<bigint>")};
    }

    /** The aggregate's inputs for sequences: the nested logits, the target array, the byte and word counts. */
    private Column[] sequenceInputs() {
        Column logits = col(quote(logitsName));
        boolean isFloat = logitsType == LogitsType.FLOAT_SEQUENCE;
        Column nullElements = hasNullElement(functions.flatten(logits), isFloat ? DataTypes.FloatType
                : DataTypes.DoubleType)
                .or(functions.coalesce(functions.exists(col(quote(targetName)), Column::isNull), lit(false)));
        Column none = lit(null).cast("bigint");
        return new Column[] {lit(null).cast("binary"), lit(null).cast("array<double>"),
            isFloat ? lit(null).cast("array<array<double>>") : logits, lit(null).cast("array<float>"),
            isFloat ? logits : lit(null).cast("array<array<float>>"), functions.coalesce(nullElements, lit(false)),
            lit(null).cast("array<double>"),
            bytesName == null ? none : col(quote(bytesName)).cast(DataTypes.LongType),
            wordsName == null ? none : col(quote(wordsName)).cast(DataTypes.LongType),
            none, target()};
    }

    /**
     * True when a non-null array holds a null element. A primitive array cannot show one (it reads as 0), so this
     * runs before the aggregate reads the row. It costs one compiled scan of the array: {@code array_contains}
     * with a NaN probe, which returns null exactly when the array holds a null element and no NaN. (An array that
     * holds a NaN is scored as NaN, as PyTorch would, whatever else it holds; {@link RowValues} does the same.)
     * The obvious {@code exists(x -> x IS NULL)} is interpreted element by element and made scans ten times slower.
     */
    static Column hasNullElement(Column array, DataType elementType) {
        Column probe = lit(Double.NaN).cast(elementType);
        return array.isNotNull().and(functions.array_contains(array, probe).isNull());
    }

    /** A column name quoted for {@code functions.col}, so dots and spaces are taken literally. */
    public static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The schema as {@code name:type, ...}, for error messages. */
    public static String describe(StructType schema) {
        return java.util.Arrays.stream(schema.fields())
                .map(f -> f.name() + ":" + f.dataType().simpleString())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The field named {@code name} (exactly, else ignoring case, as Spark resolves names). */
    static StructField field(StructType schema, String name, String role) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        for (StructField f : schema.fields()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new InputSchemaException(
                "column '" + name + "' (" + role + ") not found. Schema: " + describe(schema));
    }

    private static LogitsType logitsType(DataType t) {
        if (t instanceof VectorUDT) {
            return LogitsType.VECTOR;
        }
        if (t instanceof StringType) {
            return LogitsType.TEXT;
        }
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof StringType) {
            return LogitsType.TEXT_ARRAY;
        }
        if (t instanceof BinaryType) {
            return LogitsType.BINARY;
        }
        if (t instanceof ArrayType) {
            DataType e = ((ArrayType) t).elementType();
            if (e instanceof FloatType) {
                return LogitsType.FLOAT_ARRAY;
            }
            if (e instanceof DoubleType) {
                return LogitsType.DOUBLE_ARRAY;
            }
            if (e instanceof ArrayType) {
                DataType inner = ((ArrayType) e).elementType();
                if (inner instanceof FloatType) {
                    return LogitsType.FLOAT_SEQUENCE;
                }
                if (inner instanceof DoubleType) {
                    return LogitsType.DOUBLE_SEQUENCE;
                }
            }
        }
        return null;
    }

    private static boolean isIntegral(DataType t) {
        return t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType;
    }

    private static boolean isFloating(DataType t) {
        return t instanceof FloatType || t instanceof DoubleType;
    }
}
