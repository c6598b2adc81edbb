package dev.xent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The schema Spark's JSON reader would infer for one small JSON Lines file, found on the driver by reading the whole
 * file once, so that Spark reads it once, with the schema declared, instead of twice (its inference is a job that
 * reads every line). It is Spark's inference, restricted to what it can tell for certain: fields in name order, all
 * nullable; integers as {@code bigint}, other numbers (NaN and infinities too) as {@code double}, a field holding
 * both as {@code double}; strings, booleans; arrays of those, nested arrays too. Anything else gives null, and Spark
 * infers the schema as before: a file over {@value #MAX_BYTES} bytes, a folder or glob, a compressed or hidden file,
 * a line that is not one JSON object, a nested object, an integer beyond {@code bigint}, a field of mixed types or
 * holding only nulls (or only empty arrays), two field names that differ only in case, an empty field name, bytes
 * that are not UTF-8, a file named {@code *._COPYING_}.
 *
 * <p>Having read every line, it also knows each array field's first-row length as {@code EvaluationSpec}'s
 * first-row job finds it (the first row, in the file's order, whose length is over 0), so that job need not run.
 */
final class JsonSchemaSample {
    /**
     * What the sample found.
     *
     * @param schema the schema Spark would infer
     * @param firstLengths per array field (exact name): of an array of numbers or strings, the size of the first
     *     row's array that is not empty; of an array of arrays (sequences), the size of the first inner array of
     *     the first row whose first inner array is not empty (nulls count as elements; a null or empty inner array
     *     first is skipped, as Spark's {@code size} of it is not over 0); 0 when no row has one
     */
    record Sample(StructType schema, Map<String, Integer> firstLengths) {
    }

    /** Larger files are left to Spark's inference, which reads them in parallel. */
    static final long MAX_BYTES = 32L << 20;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // as InputFormat's reader, allowNonNumericNumbers
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES) // Spark's allowSingleQuotes, on by default
            .build();

    private JsonSchemaSample() {
    }

    /** The schema and first-row lengths of the file at {@code path}, or null when this cannot tell for certain. */
    static Sample sample(Configuration hadoop, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(hadoop);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length != 1 || !matches[0].isFile() || matches[0].getLen() > MAX_BYTES
                    || InputOptions.skippedBySpark(matches[0].getPath().getName()) // even named
                    || new CompressionCodecFactory(hadoop).getCodec(matches[0].getPath()) != null) {
                return null;
            }
            Map<String, DataType> fields = new TreeMap<>(); // Spark orders inferred fields by name
            Map<String, Integer> outer = new HashMap<>(); // per field: the first array size over 0
            Map<String, Integer> inner = new HashMap<>(); // per field: the first first-inner-array size over 0
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(matches[0].getPath()),
                    StandardCharsets.UTF_8.newDecoder()))) { // malformed UTF-8 throws: Spark's parser rejects it
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!record(line, fields, outer, inner)) {
                        return null;
                    }
                }
            }
            StructType schema = new StructType();
            Set<String> names = new HashSet<>();
            Map<String, Integer> firstLengths = new HashMap<>();
            for (Map.Entry<String, DataType> f : fields.entrySet()) {
                if (!decided(f.getValue()) || !names.add(f.getKey().toLowerCase(Locale.ROOT))) {
                    return null;
                }
                schema = schema.add(f.getKey(), f.getValue(), true);
                if (f.getValue() instanceof ArrayType) {
                    boolean sequence = ((ArrayType) f.getValue()).elementType() instanceof ArrayType;
                    firstLengths.put(f.getKey(), (sequence ? inner : outer).getOrDefault(f.getKey(), 0));
                }
            }
            return schema.isEmpty() ? null : new Sample(schema, Map.copyOf(firstLengths));
        } catch (IOException | RuntimeException e) {
            return null; // Spark's own inference then reads the file, and names what is wrong with it
        }
    }

    /**
     * Adds one line's fields to {@code fields}, and to {@code outer} and {@code inner} an array field's size and its
     * first element's size when over 0 and the field has none yet; false when the line is not one JSON object this
     * can type.
     */
    private static boolean record(String line, Map<String, DataType> fields, Map<String, Integer> outer,
            Map<String, Integer> inner) throws IOException {
        try (JsonParser parser = JSON.createParser(line)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return true; // a blank line holds no record
            }
            if (first != JsonToken.START_OBJECT) {
                return false;
            }
            Set<String> seen = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                int[] sizes = {0, 0};
                DataType type = type(parser, sizes);
                if (type == null || !seen.add(name) || name.isEmpty()) { // Spark drops a field named ""
                    return false;
                }
                if (sizes[0] > 0) {
                    outer.putIfAbsent(name, sizes[0]);
                }
                if (sizes[1] > 0) {
                    inner.putIfAbsent(name, sizes[1]);
                }
                DataType merged = fields.containsKey(name) ? wider(fields.get(name), type) : type;
                if (merged == null) {
                    return false;
                }
                fields.put(name, merged);
            }
            return parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The type of the value at the parser's current token, as Spark infers it (null type for null); null: unknown.
     * When the value is an array and {@code sizes} is not null: its size into {@code sizes[0]} and, when its first
     * element is an array, that one's size into {@code sizes[1]}.
     */
    private static DataType type(JsonParser parser, int[] sizes) throws IOException {
        switch (parser.currentToken()) {
            case VALUE_STRING:
                return DataTypes.StringType;
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : DataTypes.LongType;
            case VALUE_NUMBER_FLOAT:
                return DataTypes.DoubleType;
            case VALUE_TRUE:
            case VALUE_FALSE:
                return DataTypes.BooleanType;
            case VALUE_NULL:
                return DataTypes.NullType;
            case START_ARRAY:
                DataType element = DataTypes.NullType;
                int size = 0;
                int[] firstSizes = sizes == null ? null : new int[2];
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    DataType t = type(parser, size == 0 ? firstSizes : null);
                    if (size++ == 0 && sizes != null && t instanceof ArrayType) {
                        sizes[1] = firstSizes[0];
                    }
                    element = t == null ? null : wider(element, t);
                    if (element == null) {
                        return null;
                    }
                }
                if (sizes != null) {
                    sizes[0] = size;
                }
                return DataTypes.createArrayType(element, true);
            default:
                return null; // an object: left to Spark
        }
    }

    /** The type holding both, as Spark widens them (null type to any, bigint to double, arrays element-wise). */
    private static DataType wider(DataType a, DataType b) {
        if (a.equals(DataTypes.NullType) || a.equals(b)) {
            return b;
        }
        if (b.equals(DataTypes.NullType)) {
            return a;
        }
        if (isNumber(a) && isNumber(b)) {
            return DataTypes.DoubleType;
        }
        if (a instanceof ArrayType && b instanceof ArrayType) {
            DataType e = wider(((ArrayType) a).elementType(), ((ArrayType) b).elementType());
            return e == null ? null : DataTypes.createArrayType(e, true);
        }
        return null;
    }

    private static boolean isNumber(DataType t) {
        return t.equals(DataTypes.LongType) || t.equals(DataTypes.DoubleType);
    }

    /** False for a type with no values seen: a field of nulls only, or of empty arrays only. */
    private static boolean decided(DataType t) {
        return t instanceof ArrayType ? decided(((ArrayType) t).elementType()) : !t.equals(DataTypes.NullType);
    }
}
