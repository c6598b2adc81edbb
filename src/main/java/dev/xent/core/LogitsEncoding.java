package dev.xent.core;

import java.util.Locale;

/**
 * How logits are packed in a binary value: little-endian IEEE half precision ({@link #FP16}), bfloat16
 * ({@link #BF16}) or single precision ({@link #FP32}), as {@code numpy} and {@code torch} write them with
 * {@code .numpy().tobytes()} (for bfloat16: {@code x.view(torch.int16).numpy().tobytes()}). Decoding is exact: every
 * half and bfloat16 value is a float, and the kernel then widens it to double.
 *
 * <p>Special values decode to their float counterparts: ±infinity, NaN, ±0 and subnormals. A value whose length is
 * not a whole number of elements is an invalid row.
 */
public enum LogitsEncoding {
    FP16(2),
    BF16(2),
    FP32(4);

    private final int bytes;

    LogitsEncoding(int bytes) {
        this.bytes = bytes;
    }

    /** Parses {@code fp16}, {@code bf16} or {@code fp32} (any case; also {@code float16}, {@code bfloat16}, {@code float32}). */
    public static LogitsEncoding parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "fp16":
            case "float16":
            case "half":
                return FP16;
            case "bf16":
            case "bfloat16":
                return BF16;
            case "fp32":
            case "float32":
            case "float":
                return FP32;
            default:
                throw new IllegalArgumentException("logits encoding: expected fp16, bf16 or fp32 but got '" + text + "'");
        }
    }

    /** Bytes per value. */
    public int bytesPerValue() {
        return bytes;
    }

    /**
     * The values of {@code packed}.
     *
     * @throws InvalidRowException when {@code packed} is null or not a whole number of values
     */
    public float[] decode(byte[] packed) {
        if (packed == null) {
            throw new InvalidRowException(InvalidRowException.Reason.NULL_LOGITS, "logits are null");
        }
        if (packed.length % bytes != 0) {
            throw new InvalidRowException(InvalidRowException.Reason.RAGGED_LOGITS, "binary logits of "
                    + packed.length + " bytes are not a whole number of " + name().toLowerCase(Locale.ROOT)
                    + " values (" + bytes + " bytes each)");
        }
        float[] out = new float[packed.length / bytes];
        for (int i = 0, b = 0; i < out.length; i++, b += bytes) {
            int lo = packed[b] & 0xFF;
            int hi = packed[b + 1] & 0xFF;
            int half = lo | (hi << 8);
            switch (this) {
                case FP16:
                    out[i] = halfToFloat(half);
                    break;
                case BF16:
                    out[i] = Float.intBitsToFloat(half << 16);
                    break;
                default:
                    out[i] = Float.intBitsToFloat(half | ((packed[b + 2] & 0xFF) << 16) | ((packed[b + 3] & 0xFF) << 24));
            }
        }
        return out;
    }

    /** IEEE binary16 to float, exactly (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(int half) {
        int sign = (half >>> 15) & 1;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        float magnitude;
        if (exponent == 0x1F) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f; // zero or subnormal: exact
        } else {
            magnitude = Float.intBitsToFloat(((exponent - 15 + 127) << 23) | (mantissa << 13));
        }
        return sign == 1 ? -magnitude : magnitude;
    }
}
