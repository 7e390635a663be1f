package dev.cairn.appliance.promql.parser;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Number literals read as Prometheus reads them: first as an integer with Go's base prefixes
 * ({@code 0x1f} hex, {@code 017} octal), else as a float ({@code 1.5e3}, {@code .5}, {@code Inf},
 * {@code NaN}, case-insensitive). Go's float parser takes hexadecimal only with a {@code p}
 * exponent, which the lexer never produces, so {@code 0x1.8} is an error as in Prometheus.
 */
final class NumberSyntax {
    private static final Pattern DECIMAL_FLOAT = Pattern.compile("[0-9]*(\\.[0-9]*)?([eE][+-]?[0-9]+)?");

    private NumberSyntax() {}

    /** The value, or null when Prometheus would reject the text ({@link #error} says why). */
    static Double parse(String s) {
        Long integer = parseGoInt(s);
        if (integer != null) {
            return (double) integer;
        }
        return parseGoFloat(s);
    }

    /** Go's strconv error text for a rejected number. */
    static String error(String s) {
        String why = isFloatSyntax(s) ? "value out of range" : "invalid syntax";
        return "strconv.ParseFloat: parsing " + GoText.quote(s) + ": " + why;
    }

    /** strconv.ParseInt(s, 0, 64) for the shapes the lexer produces; null on any error. */
    private static Long parseGoInt(String s) {
        int radix = 10;
        String digits = s;
        if (s.length() > 1 && s.charAt(0) == '0') {
            if (s.charAt(1) == 'x' || s.charAt(1) == 'X') {
                radix = 16;
                digits = s.substring(2);
            } else {
                radix = 8;
                digits = s.substring(1);
            }
        }
        if (digits.isEmpty()) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                return null;
            }
        }
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            return null; // out of int64 range: Prometheus then tries ParseFloat
        }
    }

    private static boolean isFloatSyntax(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity") || lower.equals("nan")) {
            return true;
        }
        if (!DECIMAL_FLOAT.matcher(s).matches()) {
            return false;
        }
        // At least one mantissa digit.
        int e = s.toLowerCase(Locale.ROOT).indexOf('e');
        String mantissa = e >= 0 ? s.substring(0, e) : s;
        return mantissa.chars().anyMatch(Character::isDigit);
    }

    private static Double parseGoFloat(String s) {
        if (!isFloatSyntax(s)) {
            return null;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        double v = Double.parseDouble(s);
        return Double.isInfinite(v) ? null : v;
    }
}
