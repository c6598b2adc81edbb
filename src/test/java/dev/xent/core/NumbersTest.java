package dev.xent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Numbers shown to people: 5 significant digits, plain in [1e-4, 1e6), scientific outside, non-finite by name. */
class NumbersTest {
    @Test
    void fiveSignificantDigits() {
        assertEquals("0.037275", Numbers.shortText(0.037275072889580235));
        assertEquals("2.3026", Numbers.shortText(2.302585092994046));
        assertEquals("100", Numbers.shortText(100.0));
        assertEquals("-12346", Numbers.shortText(-12345.6789));
        assertEquals("0.00012346", Numbers.shortText(1.23456789e-4));
        assertEquals("0.5", Numbers.shortText(0.5));
    }

    @Test
    void scientificOutsideThePlainRange() {
        assertEquals("1.2346e-07", Numbers.shortText(1.23456789e-7));
        assertEquals("1.2346e+06", Numbers.shortText(1234567.0));
        assertEquals("1e+10", Numbers.shortText(1e10));
        assertEquals("4.9e-324", Numbers.shortText(Double.MIN_VALUE));
    }

    @Test
    void zeroAndNonFinite() {
        assertEquals("0", Numbers.shortText(0.0));
        assertEquals("0", Numbers.shortText(-0.0));
        assertEquals("NaN", Numbers.shortText(Double.NaN));
        assertEquals("Infinity", Numbers.shortText(Double.POSITIVE_INFINITY));
        assertEquals("-Infinity", Numbers.shortText(Double.NEGATIVE_INFINITY));
    }
}
