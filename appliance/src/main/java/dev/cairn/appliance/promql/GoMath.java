package dev.cairn.appliance.promql;

/** Go's math functions where Java's answer differs in special cases (PromQL runs on Go's). */
final class GoMath {
    private GoMath() {
    }

    /** Go's math.Pow: like Java's, except Pow(1, y) = 1 and Pow(-1, ±Inf) = 1. */
    static double pow(double x, double y) {
        if (x == 1 || y == 0) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** Go's math.Max: +Inf wins even over NaN, then NaN wins, then the larger (+0 over -0). */
    static double max(double x, double y) {
        if (x == Double.POSITIVE_INFINITY || y == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(x, y);
    }

    /** Go's math.Min: -Inf wins even over NaN, then NaN wins, then the smaller (-0 over +0). */
    static double min(double x, double y) {
        if (x == Double.NEGATIVE_INFINITY || y == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.min(x, y);
    }

    /** Go's math.Mod: IEEE fmod with the sign of x, as Java's % operator. */
    static double mod(double x, double y) {
        return x % y;
    }

    /** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, no exponent. */
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
        String s = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        return s;
    }

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile(
            "[+-]?(\\d[\\d_]*\\.?[\\d_]*|\\.\\d[\\d_]*)([eE][+-]?\\d+)?|[+-]?0[xX][0-9a-fA-F_.]+([pP][+-]?\\d+)?");

    /** Go's strconv.ParseFloat(s, 64) for the forms Prometheus's bucket labels use; null when invalid. */
    static Double parseFloat(String s) {
        String t = s;
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "+inf", "inf", "+infinity", "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                break;
        }
        if (t.isEmpty() || !DECIMAL.matcher(t).matches()) {
            return null;
        }
        try {
            return Double.parseDouble(t.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
