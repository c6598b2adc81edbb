package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigInteger;

/**
 * A sum of doubles that is exact until it is read, and then correctly rounded (round half to even): the result is
 * the double nearest the infinitely precise sum of everything added. Because nothing is rounded along the way, any
 * order of {@link #add} and {@link #merge} calls, and so any partitioning of the data, gives the same bits.
 *
 * <p>How: a fixed-point accumulator wide enough for every finite double (a Kulisch accumulator) held as 68 signed
 * 32-bit digits in {@code long}s, whose spare high bits absorb carries; carries are propagated every 2^30 additions
 * and before merges. An add costs a few integer operations; reading the value costs a small {@link BigInteger}
 * conversion.
 *
 * <p>Non-finite values: NaN, or both {@code +inf} and {@code -inf}, make the sum NaN; otherwise any {@code +inf}
 * makes it {@code +inf} and any {@code -inf} makes it {@code -inf}. A finite sum beyond the double range rounds to
 * ±infinity, as IEEE rounding does. An empty sum, or one whose exact value is zero, is {@code +0.0}.
 *
 * <p>Not thread-safe. {@link #merge} also normalises the other sum's digits (its value does not change).
 */
public final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final int DIGITS = 68;
    private static final long DIGIT_MASK = 0xFFFF_FFFFL;
    /** Each add changes a digit by less than 2^32, so 2^30 adds keep every digit below 2^62 in magnitude. */
    private static final int ADDS_BEFORE_CARRY = 1 << 30;
    /** Bit 0 of digit 0 weighs 2^-1074, the smallest subnormal double. */
    private static final int BIT0_EXPONENT = -1074;

    private final long[] digits = new long[DIGITS];
    private int addsSinceCarry;
    private long nanCount;
    private long positiveInfinities;
    private long negativeInfinities;

    /** Adds one value exactly. */
    public void add(double value) {
        long bits = Double.doubleToRawLongBits(value);
        int biasedExponent = (int) ((bits >>> 52) & 0x7FF);
        long mantissa = bits & 0x000F_FFFF_FFFF_FFFFL;
        if (biasedExponent == 0x7FF) {
            if (mantissa != 0) {
                nanCount++;
            } else if (bits < 0) {
                negativeInfinities++;
            } else {
                positiveInfinities++;
            }
            return;
        }
        if (biasedExponent == 0) {
            if (mantissa == 0) {
                return;
            }
            biasedExponent = 1;
        } else {
            mantissa |= 1L << 52;
        }
        // value = mantissa * 2^(biasedExponent - 1075) = mantissa * 2^(BIT0_EXPONENT + position)
        int position = biasedExponent - 1;
        int index = position >>> 5;
        int offset = position & 31;
        long low = (mantissa << offset) & DIGIT_MASK;
        long upper = mantissa >>> (32 - offset);
        long middle = upper & DIGIT_MASK;
        long high = upper >>> 32;
        if (bits < 0) {
            digits[index] -= low;
            digits[index + 1] -= middle;
            digits[index + 2] -= high;
        } else {
            digits[index] += low;
            digits[index + 1] += middle;
            digits[index + 2] += high;
        }
        if (++addsSinceCarry == ADDS_BEFORE_CARRY) {
            propagateCarries();
        }
    }

    /** Adds everything in {@code other} to this sum; {@code other} keeps its value. Returns this. */
    public ExactSum merge(ExactSum other) {
        propagateCarries();
        other.propagateCarries();
        for (int k = 0; k < DIGITS; k++) {
            digits[k] += other.digits[k];
        }
        addsSinceCarry = 2;
        nanCount += other.nanCount;
        positiveInfinities += other.positiveInfinities;
        negativeInfinities += other.negativeInfinities;
        return this;
    }

    /** A copy with the same exact value. */
    public ExactSum copy() {
        ExactSum c = new ExactSum();
        return c.merge(this);
    }

    /** True when nothing non-zero, and nothing non-finite, was added (or everything cancelled exactly). */
    public boolean isZero() {
        if (nanCount != 0 || positiveInfinities != 0 || negativeInfinities != 0) {
            return false;
        }
        for (long d : digits) {
            if (d != 0) {
                propagateCarries();
                for (long e : digits) {
                    if (e != 0) {
                        return false;
                    }
                }
                return true;
            }
        }
        return true;
    }

    /** The correctly rounded value of the exact sum (see the class notes for non-finite values). */
    public double value() {
        if (nanCount > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
            return Double.NaN;
        }
        if (positiveInfinities > 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (negativeInfinities > 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return roundToDouble(exactScaledValue());
    }

    /** The exact sum as a BigDecimal, or null when it is not finite. */
    java.math.BigDecimal exactValue() {
        if (nanCount > 0 || positiveInfinities > 0 || negativeInfinities > 0) {
            return null;
        }
        return new java.math.BigDecimal(exactScaledValue()).multiply(new java.math.BigDecimal(Double.MIN_VALUE));
    }

    /** The exact sum divided by 2^-1074, an integer (finite values only). */
    BigInteger exactScaledValue() {
        BigInteger acc = BigInteger.ZERO;
        for (int k = DIGITS - 1; k >= 0; k--) {
            acc = acc.shiftLeft(32).add(BigInteger.valueOf(digits[k]));
        }
        return acc;
    }

    /** Rounds {@code scaled * 2^-1074} to the nearest double, ties to even. */
    static double roundToDouble(BigInteger scaled) {
        int signum = scaled.signum();
        if (signum == 0) {
            return 0.0;
        }
        BigInteger magnitude = scaled.abs();
        int length = magnitude.bitLength();
        double result;
        if (length <= 53) {
            // At most 53 significant bits: exactly representable, subnormal or not.
            result = Math.scalb((double) magnitude.longValue(), BIT0_EXPONENT);
        } else {
            // Above 2^-1021, so normal: keep 53 bits and round the rest half to even.
            int dropped = length - 53;
            long kept = magnitude.shiftRight(dropped).longValue();
            boolean half = magnitude.testBit(dropped - 1);
            boolean belowHalfNonZero = magnitude.getLowestSetBit() < dropped - 1;
            if (half && (belowHalfNonZero || (kept & 1L) == 1L)) {
                kept++;
            }
            result = Math.scalb((double) kept, dropped + BIT0_EXPONENT);
        }
        return signum < 0 ? -result : result;
    }

    /** Writes the exact value compactly: the non-finite counts and the non-zero digits. */
    void writeTo(DataOutput out) throws IOException {
        propagateCarries();
        out.writeLong(nanCount);
        out.writeLong(positiveInfinities);
        out.writeLong(negativeInfinities);
        int first = 0;
        while (first < DIGITS && digits[first] == 0) {
            first++;
        }
        int last = DIGITS - 1;
        while (last >= first && digits[last] == 0) {
            last--;
        }
        out.writeShort(first);
        out.writeShort(last - first + 1);
        for (int k = first; k <= last; k++) {
            out.writeLong(digits[k]);
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    static ExactSum readFrom(DataInput in) throws IOException {
        ExactSum s = new ExactSum();
        s.nanCount = in.readLong();
        s.positiveInfinities = in.readLong();
        s.negativeInfinities = in.readLong();
        int first = in.readShort();
        int count = in.readShort();
        if (first < 0 || count < 0 || first + count > DIGITS) {
            throw new IOException("corrupt exact sum: digits " + first + "+" + count);
        }
        for (int k = 0; k < count; k++) {
            s.digits[first + k] = in.readLong();
        }
        return s;
    }

    private void propagateCarries() {
        long carry = 0;
        for (int k = 0; k < DIGITS - 1; k++) {
            long v = digits[k] + carry;
            digits[k] = v & DIGIT_MASK;
            carry = v >> 32;
        }
        digits[DIGITS - 1] += carry;
        addsSinceCarry = 0;
    }
}
