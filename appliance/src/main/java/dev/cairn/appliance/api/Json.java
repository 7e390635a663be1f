package dev.cairn.appliance.api;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The few JSON shapes of the HTTP API, written as Prometheus writes them (Go's encoding/json via
 * jsoniter's standard-library mode): strings with {@code <>&} and U+2028/9 escaped as \\u00XX, sample
 * values as strings in Go's {@code strconv.FormatFloat(v, 'f', -1, 64)} ({@code "0.1"},
 * {@code "10000000000"}, {@code "NaN"}, {@code "+Inf"}), timestamps as seconds with the milliseconds
 * after a point ({@code 1700000000.5} is written {@code 1700000000.500}, as Prometheus's marshalTimestamp does).
 */
final class Json {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(sb, c);
                default -> {
                    if (c < 0x20) {
                        unicode(sb, c);
                    } else if (Character.isSurrogate(c)) {
                        // a lone surrogate is invalid UTF-8 in Go: written as the replacement character
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append('\ufffd');
                        }
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicode(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
    }

    /** Prometheus's marshalTimestamp: whole seconds, then {@code .mmm} when the milliseconds are not zero. */
    static void timestamp(StringBuilder sb, long ms) {
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        sb.append(ms / 1000);
        long frac = ms % 1000;
        if (frac != 0) {
            sb.append('.');
            if (frac < 100) {
                sb.append('0');
            }
            if (frac < 10) {
                sb.append('0');
            }
            sb.append(frac);
        }
    }

    /** A sample value as the quoted string Prometheus writes. */
    static void value(StringBuilder sb, double v) {
        sb.append('"').append(formatValue(v)).append('"');
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: shortest round-tripping digits, never an exponent. */
    static String formatValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return shortest(v).toPlainString();
    }

    /**
     * The shortest decimal that reads back as {@code v}. Java 17's Double.toString round-trips but is
     * sometimes one digit longer than needed (JDK-4511638), so shorter roundings of the exact binary
     * value are tried from its length down.
     */
    private static BigDecimal shortest(double v) {
        BigDecimal exact = new BigDecimal(v);
        BigDecimal best = new BigDecimal(Double.toString(v));
        for (int p = best.stripTrailingZeros().precision() - 1; p >= 1; p--) {
            BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (c.doubleValue() != v) {
                break;
            }
            best = c;
        }
        return best.stripTrailingZeros();
    }
}
