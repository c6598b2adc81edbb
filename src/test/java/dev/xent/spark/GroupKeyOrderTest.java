package dev.xent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xent.core.EvaluationResult;
import dev.xent.testing.SharedSpark;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The groups of an evaluation come out in Spark's {@code orderBy} order, sorted on the driver ({@link GroupKeyOrder}):
 * for every key type it sorts, with nulls, NaN, {@code -0.0}, infinities and strings whose UTF-8 order differs from
 * Java's UTF-16 order, over several keys of mixed types.
 */
class GroupKeyOrderTest {
    static final String[] KEYS = {"s", "d", "f", "i", "b", "l", "day", "ts", "dec", "flag", "sh", "by"};

    @Test
    void groupsComeOutInOrderBysOrder() {
        String[] strings = {"b", "a", "", null, "\uFFFD", "\uD83D\uDE00", "A", "a\u00e9"};
        Double[] doubles = {Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, null, 1.5,
            -2.0};
        StructType schema = new StructType().add("s", DataTypes.StringType).add("d", DataTypes.DoubleType)
                .add("f", DataTypes.FloatType).add("i", DataTypes.IntegerType).add("b", DataTypes.BooleanType)
                .add("l", DataTypes.LongType).add("day", DataTypes.DateType).add("ts", DataTypes.TimestampType)
                .add("dec", DataTypes.createDecimalType(5, 2)).add("flag", DataTypes.BooleanType)
                .add("sh", DataTypes.ShortType).add("by", DataTypes.ByteType)
                .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("target", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 64; r++) {
            Double f = doubles[(r / 5) % doubles.length];
            rows.add(RowFactory.create(strings[r % strings.length], doubles[(r / 3) % doubles.length],
                    f == null ? null : f.floatValue(), r % 7 == 0 ? null : r % 3 - 1, r % 2 == 0,
                    (r * 7919L) % 5 - 2, java.sql.Date.valueOf("2026-11-" + (10 + r % 4)),
                    java.sql.Timestamp.valueOf("2026-11-30 12:00:0" + (r % 3)), new BigDecimal((r % 5 - 2) + ".50"),
                    r % 11 == 0 ? null : r % 3 == 0, (short) (r % 3), (byte) (r % 2),
                    new float[] {r % 10, 1f, 2f}, r % 3));
        }
        Dataset<Row> input = SharedSpark.get().createDataFrame(rows, schema).repartition(3);
        for (List<String> keys : List.of(List.of(KEYS), List.of("d", "s"), List.of("f", "flag", "i"))) {
            EvaluationResult result = Evaluation.of(input).groupBy(keys).run();
            List<String> got = new ArrayList<>();
            for (EvaluationResult.Group g : result.groups()) {
                got.add(new ArrayList<>(g.key().values()).toString());
            }
            List<String> expected = new ArrayList<>();
            for (Row r : input.select(keys.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                    .distinct().orderBy(keys.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                    .collectAsList()) {
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    values.add(r.get(i));
                }
                expected.add(values.toString());
            }
            assertTrue(expected.size() > 4, keys + ": " + expected);
            assertEquals(expected, got, "groups of " + keys);
        }
    }

    @Test
    void keysOfOtherTypesAreLeftToSparksSort() {
        assertTrue(GroupKeyOrder.orders(new DataType[] {DataTypes.StringType, DataTypes.createDecimalType(5, 2),
            DataTypes.TimestampType, DataTypes.DateType}));
        assertFalse(GroupKeyOrder.orders(new DataType[] {DataTypes.StringType, DataTypes.BinaryType}));
        assertFalse(GroupKeyOrder.orders(new DataType[] {DataTypes.createArrayType(DataTypes.IntegerType)}));
        Dataset<Row> input = SharedSpark.get().sql("SELECT CAST(CAST(id % 3 AS string) AS binary) AS k, "
                + "array(1.0F, 2.0F) AS logits, 0 AS target FROM range(9)");
        EvaluationResult result = Evaluation.of(input).groupBy(List.of("k")).run();
        List<String> got = new ArrayList<>();
        for (EvaluationResult.Group g : result.groups()) {
            got.add(new String((byte[]) g.key().get("k"), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(List.of("0", "1", "2"), got);
    }
}
