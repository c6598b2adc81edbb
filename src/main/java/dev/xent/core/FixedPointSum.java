package dev.xent.core;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A small order-independent sum for bounded values, where {@link ExactSum}'s 68 digits would be too many (one sum
 * per class or per bin): each value is first rounded to a multiple of 2^-64 (so at most 2.7e-20 away), then
 * summed exactly as a 128-bit integer. Rounding happens per value, before any addition, so any order of adds and
 * merges gives the same bits. Values must be finite with magnitude below 2^62; NaN and infinities are counted
 * apart and make the sum NaN, {@code +inf} or {@code -inf} as in {@link ExactSum}.
 */
public final class FixedPointSum implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double SCALE = 0x1p64;
    private static final double LIMIT = 0x1p62;

    private long high;
    private long low;
    private long nonFinite;
    private long positiveInfinities;
    private long negativeInfinities;

    /** Adds one value (|value| < 2^62, or non-finite). */
    public void add(double value) {
        if (Double.isNaN(value)) {
            nonFinite++;
            return;
        }
        if (Double.isInfinite(value)) {
            if (value > 0) {
                positiveInfinities++;
            } else {
                negativeInfinities++;
            }
            return;
        }
        if (!(Math.abs(value) < LIMIT)) {
            throw new IllegalArgumentException("FixedPointSum takes values below 2^62 in magnitude, got " + value);
        }
        double scaled = Math.rint(Math.abs(value) * SCALE); // exact scaling by a power of two, then one rounding
        double highPart = Math.floor(scaled * 0x1p-64);
        double lowPart = scaled - highPart * SCALE; // exact: a multiple of scaled's ulp below 2^64
        long hi = (long) highPart;
        long lo = lowPart >= 0x1p63 ? ((long) (lowPart - 0x1p63)) ^ Long.MIN_VALUE : (long) lowPart;
        if (value < 0) {
            hi = ~hi + (lo == 0 ? 1 : 0);
            lo = -lo;
        }
        addScaled(hi, lo);
    }

    private void addScaled(long hi, long lo) {
        long newLow = low + lo;
        long carry = Long.compareUnsigned(newLow, low) < 0 ? 1 : 0;
        low = newLow;
        high = high + hi + carry;
    }

    public FixedPointSum merge(FixedPointSum other) {
        addScaled(other.high, other.low);
        nonFinite += other.nonFinite;
        positiveInfinities += other.positiveInfinities;
        negativeInfinities += other.negativeInfinities;
        return this;
    }

    /** The sum, correctly rounded from the exact sum of the rounded values. */
    public double value() {
        if (nonFinite > 0 || (positiveInfinities > 0 && negativeInfinities > 0)) {
            return Double.NaN;
        }
        if (positiveInfinities > 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (negativeInfinities > 0) {
            return Double.NEGATIVE_INFINITY;
        }
        BigInteger v = BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
        return new BigDecimal(v).divide(new BigDecimal(BigInteger.ONE.shiftLeft(64))).doubleValue();
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(high);
        out.writeLong(low);
        out.writeLong(nonFinite);
        out.writeLong(positiveInfinities);
        out.writeLong(negativeInfinities);
    }

    static FixedPointSum readFrom(DataInput in) throws IOException {
        FixedPointSum s = new FixedPointSum();
        s.high = in.readLong();
        s.low = in.readLong();
        s.nonFinite = in.readLong();
        s.positiveInfinities = in.readLong();
        s.negativeInfinities = in.readLong();
        return s;
    }
}
