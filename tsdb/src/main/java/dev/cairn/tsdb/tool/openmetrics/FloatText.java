package dev.cairn.tsdb.tool.openmetrics;

/**
 * Reads a float the way Prometheus's text parsers do: Go's {@code strconv.ParseFloat} restricted
 * to the pre-Go-1.13 syntax (no hex floats, no underscores). Accepted: decimal with optional
 * sign, fraction and exponent; {@code Inf}/{@code Infinity} with optional sign and {@code NaN},
 * both case-insensitive. Finite text beyond the float64 range is an error, as in Go.
 */
final class FloatText {
    /** Go's math.NaN() bit pattern, which Prometheus stores for a parsed NaN (Java's differs). */
    static final long GO_NAN_BITS = 0x7FF8000000000001L;

    private FloatText() {
    }

    /**
     * @param b     bytes holding the text at [from, to)
     * @return the value
     * @throws NumberFormatException with a short reason when the text is not a float
     */
    static double parse(byte[] b, int from, int to) {
        if (from >= to) {
            throw new NumberFormatException("empty number");
        }
        int i = from;
        boolean neg = false;
        if (b[i] == '+' || b[i] == '-') {
            neg = b[i] == '-';
            i++;
        }
        if (i < to && (b[i] == 'i' || b[i] == 'I')) {
            if (equalsIgnoreCase(b, i, to, "inf") || equalsIgnoreCase(b, i, to, "infinity")) {
                return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            throw invalid(b, from, to);
        }
        if (i == from && (b[i] == 'n' || b[i] == 'N')) {
            if (equalsIgnoreCase(b, i, to, "nan")) {
                return Double.longBitsToDouble(GO_NAN_BITS);
            }
            throw invalid(b, from, to);
        }
        // Decimal: digits [. digits] [e [sign] digits], at least one mantissa digit.
        int mantissaDigits = 0;
        long intValue = 0;
        boolean simple = true; // only integer digits, few enough to be exact in a double
        while (i < to && isDigit(b[i])) {
            intValue = intValue * 10 + (b[i] - '0');
            mantissaDigits++;
            i++;
        }
        if (mantissaDigits > 15) {
            simple = false;
        }
        if (i < to && b[i] == '.') {
            simple = false;
            i++;
            while (i < to && isDigit(b[i])) {
                mantissaDigits++;
                i++;
            }
        }
        if (mantissaDigits == 0) {
            throw invalid(b, from, to);
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            simple = false;
            i++;
            if (i < to && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < to && isDigit(b[i])) {
                expDigits++;
                i++;
            }
            if (expDigits == 0) {
                throw invalid(b, from, to);
            }
        }
        if (i != to) {
            byte c = b[i];
            if (c == 'p' || c == 'P' || c == '_') {
                throw new NumberFormatException("unsupported character in float " + text(b, from, to));
            }
            throw invalid(b, from, to);
        }
        if (simple) {
            double d = intValue;
            return neg ? -d : d;
        }
        // Java's decimal conversion is correctly rounded, as Go's is.
        double d = Double.parseDouble(new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII));
        if (Double.isInfinite(d)) {
            throw new NumberFormatException("value out of range: " + text(b, from, to));
        }
        return d;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean equalsIgnoreCase(byte[] b, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (Character.toLowerCase((char) b[from + k]) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static NumberFormatException invalid(byte[] b, int from, int to) {
        return new NumberFormatException("invalid number " + text(b, from, to));
    }

    static String text(byte[] b, int from, int to) {
        String s = new String(b, from, Math.min(to - from, 64), java.nio.charset.StandardCharsets.UTF_8);
        return '"' + s + (to - from > 64 ? "...\"" : "\"");
    }
}
