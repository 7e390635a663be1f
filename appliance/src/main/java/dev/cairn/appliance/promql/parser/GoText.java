package dev.cairn.appliance.promql.parser;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Text conversions that must print exactly as Go's standard library does, because Prometheus's
 * canonical query form and its error messages are made with them: {@code strconv.Quote} (the
 * {@code %q} verb), {@code %v} of a float64 and {@code %.Nf}.
 */
final class GoText {
    private GoText() {}

    /** Go's strconv.Quote: double quotes, Go escapes, printable Unicode kept as is. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        sb.append('"');
        for (int i = 0; i < s.length(); ) {
            int r = s.codePointAt(i);
            i += Character.charCount(r);
            appendEscaped(sb, r);
        }
        return sb.append('"').toString();
    }

    private static void appendEscaped(StringBuilder sb, int r) {
        if (r == '"' || r == '\\') {
            sb.append('\\').appendCodePoint(r);
            return;
        }
        if (isPrint(r)) {
            sb.appendCodePoint(r);
            return;
        }
        switch (r) {
            case 0x07 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 0x0b -> sb.append("\\v");
            default -> {
                if (r < ' ' || r == 0x7f) {
                    sb.append("\\x").append(hex(r, 2));
                } else if (r >= 0xDC80 && r <= 0xDCFF) {
                    // A byte that was not valid UTF-8, kept by Unquote as U+DC00+byte: Go prints \xNN.
                    sb.append("\\x").append(hex(r - 0xDC00, 2));
                } else if (Character.isSurrogate((char) r) && r <= 0xFFFF) {
                    // Any other lone surrogate cannot come from UTF-8; Go would have decoded it as U+FFFD.
                    sb.append('\uFFFD');
                } else if (r < 0x10000) {
                    sb.append("\\u").append(hex(r, 4));
                } else {
                    sb.append("\\U").append(hex(r, 8));
                }
            }
        }
    }

    /** Go's {@code %q} of a rune (strconv.QuoteRune): {@code 'a'}, {@code '\''}, {@code '\n'}. */
    static String quoteRune(int r) {
        if (r < 0 || r > Character.MAX_CODE_POINT || (r >= 0xD800 && r < 0xE000)) {
            r = 0xFFFD; // Go quotes an invalid rune (the lexer's end of input) as the replacement character
        }
        if (r == '\'') {
            return "'\\''";
        }
        if (r == '"') {
            return "'\"'";
        }
        StringBuilder sb = new StringBuilder("'");
        appendEscaped(sb, r);
        return sb.append('\'').toString();
    }

    /** Go's {@code %#U}: {@code U+0063 'c'}, or only {@code U+000A} when not printable. */
    static String unicodeName(int r) {
        String hex = Integer.toHexString(r).toUpperCase(java.util.Locale.ROOT);
        String name = "U+" + "0".repeat(Math.max(0, 4 - hex.length())) + hex;
        return isPrint(r) ? name + " '" + new String(Character.toChars(r)) + "'" : name;
    }

    private static String hex(int v, int width) {
        String h = Integer.toHexString(v);
        return "0".repeat(Math.max(0, width - h.length())) + h;
    }

    /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    static boolean isPrint(int r) {
        if (r == ' ') {
            return true;
        }
        return switch (Character.getType(r)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** The first {@code n} code points of {@code s}, as Go's {@code %.Nq} truncates. */
    static String firstRunes(String s, int n) {
        int count = s.codePointCount(0, s.length());
        return count <= n ? s : s.substring(0, s.offsetByCodePoints(0, n));
    }

    /**
     * Go's {@code %v} (and {@code fmt.Sprint}) of a float64: the shortest decimal that reads back
     * to the same value, in exponent form when the exponent is below -4 or at least 6
     * ({@code 1e+06}, {@code 1.5e-07}), {@code +Inf}, {@code -Inf}, {@code NaN}.
     */
    static String formatFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        BigDecimal shortest = shortest(Math.abs(v));
        String digits = shortest.unscaledValue().toString();
        int nd = digits.length();
        int dp = nd - shortest.scale();
        int exp = dp - 1;
        StringBuilder sb = new StringBuilder(24);
        if (v < 0) {
            sb.append('-');
        }
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (nd > 1) {
                sb.append('.').append(digits, 1, nd);
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (dp <= 0) {
            sb.append("0.").append("0".repeat(-dp)).append(digits);
        } else if (dp >= nd) {
            sb.append(digits).append("0".repeat(dp - nd));
        } else {
            sb.append(digits, 0, dp).append('.').append(digits, dp, nd);
        }
        return sb.toString();
    }

    /** The shortest decimal (fewest significant digits) that parses back to {@code v}. */
    private static BigDecimal shortest(double v) {
        BigDecimal exact = new BigDecimal(v);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == v) {
                return r.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** Go's {@code %.Nf}: fixed notation, correctly rounded (ties to even), {@code +Inf} etc. */
    static String formatFixed(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = v < 0 || Double.doubleToRawLongBits(v) < 0;
        if (negative && !s.startsWith("-")) {
            s = "-" + s;
        }
        return s;
    }
}
