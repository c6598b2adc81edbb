package dev.xent.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xent.core.CrossEntropyLoss;
import dev.xent.core.CrossEntropyOptions;
import dev.xent.core.InvalidRowException;
import dev.xent.core.LogitsEncoding;
import dev.xent.core.Reduction;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** float16 / bfloat16 bytes as torch writes them, decoded by {@link LogitsEncoding}, against torch's float64 loss. */
class HalfPrecisionGoldenTest {

    @TestFactory
    Stream<DynamicTest> decodedHalfPrecisionLogitsGiveTorchsLoss() {
        return GoldenCase.nodes("half_precision.jsonl").stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            LogitsEncoding encoding = LogitsEncoding.parse(c.get("encoding").asText());
            JsonNode hex = c.get("logits_hex");
            double[][] x = new double[hex.size()][];
            for (int i = 0; i < x.length; i++) {
                float[] f = encoding.decode(HexFormat.of().parseHex(hex.get(i).asText()));
                x[i] = new double[f.length];
                for (int j = 0; j < f.length; j++) {
                    x[i][j] = f[j];
                }
            }
            JsonNode expected = c.get("expected");
            double[] values = GoldenCase.numbers(expected.get("values"));
            for (int j = 0; j < values.length; j++) {
                assertEquals(Double.doubleToRawLongBits(values[j]), Double.doubleToRawLongBits(x[0][j]),
                        "decoded value " + j);
            }
            long[] y = new long[c.get("target").size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = c.get("target").get(i).asLong();
            }
            String name = c.get("name").asText();
            double[] none = new CrossEntropyLoss(CrossEntropyOptions.defaults()).none(x, y);
            double[] torchNone = GoldenCase.numbers(expected.get("none"));
            double[] exactNone = GoldenCase.numbers(c.get("exact").get("none"));
            assertEquals(torchNone.length, none.length, name + ": rows");
            for (int i = 0; i < none.length; i++) {
                TorchMatch.check(name + " none[" + i + "]", torchNone[i], exactNone[i], none[i]);
            }
            for (Reduction r : new Reduction[] {Reduction.SUM, Reduction.MEAN}) {
                double v = new CrossEntropyLoss(CrossEntropyOptions.builder().reduction(r).build()).reduce(x, y);
                TorchMatch.check(name + " " + r.torchName(), expected.get(r.torchName()),
                        c.get("exact").get(r.torchName()), v);
            }
        }));
    }

    @Test
    void aValueThatIsNotWholeIsAnInvalidRow() {
        InvalidRowException e = assertThrows(InvalidRowException.class,
                () -> LogitsEncoding.FP16.decode(new byte[] {0, 60, 0}));
        assertEquals(InvalidRowException.Reason.RAGGED_LOGITS, e.reason());
        assertEquals(1.0f, LogitsEncoding.FP16.decode(new byte[] {0, 60})[0]);
        assertEquals(1.0f, LogitsEncoding.BF16.decode(new byte[] {(byte) 0x80, 0x3F})[0]);
        assertEquals(1.0f, LogitsEncoding.FP32.decode(new byte[] {0, 0, (byte) 0x80, 0x3F})[0]);
        assertEquals(LogitsEncoding.BF16, LogitsEncoding.parse("bfloat16"));
        assertThrows(IllegalArgumentException.class, () -> LogitsEncoding.parse("fp8"));
    }

    @Test
    void everyHalfPrecisionBitPatternDecodesLikeTheReferenceConversion() {
        // The reference: a half's value is (-1)^s * 2^(e-15) * (1 + m/1024), or 2^-14 * m/1024 when e = 0.
        for (int h = 0; h < 0x10000; h++) {
            float decoded = LogitsEncoding.FP16.decode(new byte[] {(byte) h, (byte) (h >>> 8)})[0];
            int e = (h >>> 10) & 0x1F;
            int m = h & 0x3FF;
            double magnitude = e == 0x1F ? (m == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : e == 0 ? Math.scalb((double) m, -24) : Math.scalb(1024.0 + m, e - 25);
            double expected = (h & 0x8000) != 0 ? -magnitude : magnitude;
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(decoded), "half " + h);
        }
    }
}
