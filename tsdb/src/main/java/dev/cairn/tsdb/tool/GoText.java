package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.labels.Labels;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The few Go formatting rules promtool's output depends on, so that {@code cairn tsdb} prints the
 * same bytes: {@code fmt %g} of a float64, {@code strconv.Quote}, {@code labels.Labels.String()},
 * {@code time.Duration.String()}, {@code time.Time.String()} in UTC and alecthomas/units'
 * {@code Base2Bytes.String()}. Facts from the Go and Prometheus sources; the code is ours.
 */
public final class GoText {
    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String[] BYTE_UNITS = {"", "K", "M", "G", "T", "P", "E"};

    private GoText() {
    }

    /**
     * Go's {@code fmt.Sprintf("%g", v)}: the shortest decimal that reads back as {@code v}, in
     * plain notation when its exponent is in [-4, 6) and as {@code d.ddde±XX} otherwise;
     * {@code NaN}, {@code +Inf}, {@code -Inf}, {@code -0} as Go spells them.
     */
    public static String formatFloat(double v) {
        StringBuilder sb = new StringBuilder(24);
        appendFloat(sb, v);
        return sb.toString();
    }

    public static void appendFloat(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
            return;
        }
        if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
            return;
        }
        if (v == 0) {
            sb.append(Double.doubleToRawLongBits(v) < 0 ? "-0" : "0");
            return;
        }
        if (v < 0) {
            sb.append('-');
            v = -v;
        }
        String digits;
        int pointPos; // the value is 0.<digits> × 10^pointPos
        if (v < 1e15 && v == Math.rint(v)) {
            // Integers below 1e15 have an ulp under 1: their decimal digits are already the shortest.
            String s = Long.toString((long) v);
            int end = s.length();
            while (end > 1 && s.charAt(end - 1) == '0') {
                end--;
            }
            digits = s.substring(0, end);
            pointPos = s.length();
        } else {
            BigDecimal shortest = shortest(v);
            digits = shortest.unscaledValue().toString();
            pointPos = digits.length() - shortest.scale();
        }
        int exp = pointPos - 1;
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (pointPos <= 0) {
            sb.append("0.");
            for (int i = pointPos; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (pointPos >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < pointPos; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, pointPos).append('.').append(digits, pointPos, digits.length());
        }
    }

    /**
     * The shortest decimal that rounds to {@code v} (v &gt; 0, finite), nearest to v among those of
     * that length. Java 17's Double.toString round-trips but is not always shortest (JDK-4511638),
     * so its length is only the starting point; shorter roundings of the exact value are tried.
     */
    private static BigDecimal shortest(double v) {
        BigDecimal exact = new BigDecimal(v);
        int n = new BigDecimal(Double.toString(v)).stripTrailingZeros().precision();
        BigDecimal best = exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
        if (best.doubleValue() != v) {
            best = new BigDecimal(Double.toString(v));
        }
        for (int p = n - 1; p >= 1; p--) {
            BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (c.doubleValue() != v) {
                break;
            }
            best = c;
        }
        return best.stripTrailingZeros();
    }

    /** Go's {@code strconv.Quote}: double quotes, Go escapes, non-printable runes as \\u/\\U. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s);
        return sb.toString();
    }

    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 0x07 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0B -> sb.append("\\v");
                default -> {
                    if (c < 0x80) {
                        if (c < 0x20 || c == 0x7F) {
                            sb.append("\\x").append(hex(c, 2));
                        } else {
                            sb.append((char) c);
                        }
                    } else if (Character.isSurrogate((char) c)) {
                        // An unpaired surrogate stands for bytes that were not UTF-8; Go prints U+FFFD's escape.
                        sb.append("\\ufffd");
                    } else if (isGoPrint(c)) {
                        sb.appendCodePoint(c);
                    } else if (c < 0x10000) {
                        sb.append("\\u").append(hex(c, 4));
                    } else {
                        sb.append("\\U").append(hex(c, 8));
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols, and the ASCII space. */
    private static boolean isGoPrint(int c) {
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    private static String hex(int v, int width) {
        String h = Integer.toHexString(v);
        return "0".repeat(Math.max(0, width - h.length())) + h;
    }

    /** Prometheus's {@code labels.Labels.String()}: {@code {a="1", b="2"}}, values Go-quoted. */
    public static void appendLabels(StringBuilder sb, Labels ls) {
        sb.append('{');
        for (int i = 0; i < ls.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ls.name(i)).append('=');
            appendQuoted(sb, ls.value(i));
        }
        sb.append('}');
    }

    public static String labels(Labels ls) {
        StringBuilder sb = new StringBuilder(64);
        appendLabels(sb, ls);
        return sb.toString();
    }

    /** Go's {@code time.Duration(ms * 1e6).String()}: {@code 2h0m0s}, {@code 31m30.501s}, {@code 1ms}, {@code 0s}. */
    public static String durationMillis(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        if (ms < 1000) {
            return sb.append(ms).append("ms").toString();
        }
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long s = ms / 1000 % 60;
        long frac = ms % 1000;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        sb.append(s);
        if (frac > 0) {
            String f = String.valueOf(1000 + frac).substring(1);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return sb.append('s').toString();
    }

    /** Go's {@code time.Unix(ms/1000, 0).UTC().String()}: {@code 2026-11-25 11:28:22 +0000 UTC}. */
    public static String utcTime(long ms) {
        return UTC_TIME.format(Instant.ofEpochSecond(ms / 1000)) + " +0000 UTC";
    }

    /** alecthomas/units {@code Base2Bytes(n).String()}: {@code 790B}, {@code 1KiB73B}, {@code 1MiB1B}. */
    public static String base2Bytes(long n) {
        String[] out = new String[BYTE_UNITS.length];
        for (int i = 0; i < BYTE_UNITS.length; i++) {
            if (n % 1024 != 0 || i == 0 && n == 0) {
                out[BYTE_UNITS.length - 1 - i] = (n % 1024) + BYTE_UNITS[i] + (i == 0 ? "B" : "iB");
            }
            n /= 1024;
            if (n == 0) {
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : out) {
            if (s != null) {
                sb.append(s);
            }
        }
        return sb.toString();
    }

    /**
     * Go's {@code time.ParseDuration} to milliseconds (sub-millisecond parts truncated): a sequence
     * of decimal numbers with units {@code ns, us, µs, ms, s, m, h}, e.g. {@code 2h}, {@code 1h30m},
     * {@code 1.5h}; an optional sign; {@code 0} alone.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static long parseDurationMillis(String text) {
        String s = text;
        boolean neg = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw badDuration(text);
        }
        java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String num = s.substring(start, i);
            if (num.isEmpty() || num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) {
                throw badDuration(text);
            }
            int ustart = i;
            while (i < s.length() && !(Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            long unit = switch (s.substring(ustart, i)) {
                case "ns" -> 1L;
                case "us", "\u00b5s", "\u03bcs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException("bad duration " + quote(text)
                        + ": missing or unknown unit (use ns, us, ms, s, m or h, e.g. 2h or 90m)");
            };
            nanos = nanos.add(new java.math.BigDecimal(num.endsWith(".") ? num + "0" : num).multiply(java.math.BigDecimal.valueOf(unit)));
        }
        long ms = nanos.divideToIntegralValue(java.math.BigDecimal.valueOf(1_000_000)).longValueExact();
        return neg ? -ms : ms;
    }

    private static IllegalArgumentException badDuration(String text) {
        return new IllegalArgumentException("bad duration " + quote(text) + ": expected a number with a unit, e.g. 2h, 90m or 1h30m");
    }
}
