package dev.xent.core;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers as people read them: 5 significant digits (the JSON keeps every digit). */
public final class Numbers {
    /** The significant digits shown in tables and on axes. */
    public static final int DIGITS = 5;

    private Numbers() {
    }

    /**
     * {@code v} to {@value #DIGITS} significant digits without trailing zeros, in plain notation from 1e-4 to 1e6
     * and scientific ({@code 1.2346e-07}) outside; NaN, Infinity and -Infinity as such; 0 as {@code 0}.
     */
    public static String shortText(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(DIGITS)).stripTrailingZeros();
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e6) {
            return d.toPlainString();
        }
        String s = String.format(java.util.Locale.ROOT, "%." + (DIGITS - 1) + "e", v);
        String mantissa = s.substring(0, s.indexOf('e'));
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + s.substring(s.indexOf('e'));
    }
}
