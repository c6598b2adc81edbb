package dev.xent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xent.core.golden.GoldenCase;
import dev.xent.core.golden.TorchMatch;
import dev.xent.testing.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binary fp16/bf16 logits in Parquet, evaluated with --logits-encoding, against torch's golden values. */
class HalfPrecisionInputTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void binaryHalfPrecisionLogitsGiveTorchsNumbers() throws Exception {
        List<JsonNode> cases = GoldenCase.nodes("half_precision.jsonl");
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("logits", DataTypes.BinaryType)
                .add("target", DataTypes.LongType);
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < c.get("logits_hex").size(); i++) {
                rows.add(RowFactory.create(i, HexFormat.of().parseHex(c.get("logits_hex").get(i).asText()),
                        c.get("target").get(i).asLong()));
            }
            Path input = tmp.resolve(name + ".parquet");
            SharedSpark.get().createDataFrame(rows, schema).write().parquet(input.toString());
            CliRun run = CliRun.of("evaluate", "--input", input.toString(), "--logits-encoding",
                    c.get("encoding").asText(), "--partitions", "2");
            assertEquals(0, run.exitCode, run.toString());
            JsonNode s = JSON.readTree(run.out);
            JsonNode expected = c.get("expected");
            JsonNode exact = c.get("exact");
            TorchMatch.check(name + " via Spark mean", expected.get("mean"), exact.get("mean"), number(s.get("mean")));
            TorchMatch.check(name + " via Spark sum", expected.get("sum"), exact.get("sum"), number(s.get("sum")));
            assertEquals(c.get("classes").asInt(), s.get("classes").asInt());
        }
    }

    static double number(JsonNode n) {
        return n.isTextual() ? Double.parseDouble(n.asText()) : n.doubleValue();
    }

    @Test
    void binaryLogitsNeedAnEncodingAndWholeValues() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("logits", DataTypes.BinaryType)
                .add("target", DataTypes.LongType);
        Path input = tmp.resolve("odd.parquet");
        SharedSpark.get().createDataFrame(List.of(RowFactory.create(0, new byte[] {0, 60, 0, 60}, 1L),
                RowFactory.create(1, new byte[] {0, 60, 0}, 0L)), schema).write().parquet(input.toString());
        CliRun missing = CliRun.of("evaluate", "--input", input.toString());
        assertEquals(2, missing.exitCode, missing.toString());
        assertTrue(missing.err.contains("is binary: give its encoding"), missing.err);
        CliRun odd = CliRun.of("evaluate", "--input", input.toString(), "--logits-encoding", "fp16", "--id-cols",
                "id");
        assertEquals(1, odd.exitCode, odd.toString());
        assertTrue(odd.err.contains("row {id=1}: binary logits of 3 bytes are not a whole number of fp16 values"),
                odd.err);
        CliRun notBinary = CliRun.of("evaluate", "--input", "data/digits/logits.jsonl", "--logits-encoding", "bf16");
        assertEquals(2, notBinary.exitCode, notBinary.toString());
        assertTrue(notBinary.err.startsWith("xent: a logits encoding applies to a binary column, but column 'logits' "
                + "has type array<double>"), notBinary.err);
        CliRun badName = CliRun.of("evaluate", "--input", input.toString(), "--logits-encoding", "fp8");
        assertEquals(2, badName.exitCode, badName.toString());
    }
}
