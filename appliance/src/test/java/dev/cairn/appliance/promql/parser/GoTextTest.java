package dev.cairn.appliance.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Go's formatting, which Prometheus's printed forms and messages are made of. */
class GoTextTest {

    @Test
    void formatFloat_isGoPercentV() {
        assertEquals("1", GoText.formatFloat(1));
        assertEquals("-0.5", GoText.formatFloat(-0.5));
        assertEquals("100000", GoText.formatFloat(1e5));
        assertEquals("1e+06", GoText.formatFloat(1e6));
        assertEquals("1.23456789e+08", GoText.formatFloat(123456789));
        assertEquals("0.0001", GoText.formatFloat(1e-4));
        assertEquals("1e-05", GoText.formatFloat(1e-5));
        assertEquals("0.1", GoText.formatFloat(0.1));
        assertEquals("0.30000000000000004", GoText.formatFloat(0.1 + 0.2));
        assertEquals("5e-324", GoText.formatFloat(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", GoText.formatFloat(Double.MAX_VALUE));
        assertEquals("+Inf", GoText.formatFloat(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoText.formatFloat(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", GoText.formatFloat(Double.NaN));
        assertEquals("-0", GoText.formatFloat(-0.0));
    }

    @Test
    void formatFixed_roundsTiesToEven() {
        assertEquals("1.000", GoText.formatFixed(1, 3));
        assertEquals("0.125", GoText.formatFixed(0.125, 3));
        assertEquals("0.12", GoText.formatFixed(0.125, 2));
        assertEquals("-0.000", GoText.formatFixed(-0.0001, 3));
        assertEquals("9223372036854775808.000000", GoText.formatFixed(0x1p63, 6));
        assertEquals("+Inf", GoText.formatFixed(Double.POSITIVE_INFINITY, 6));
    }

    @Test
    void quote_escapesLikeStrconvQuote() {
        assertEquals("\"a\\\"b\\\\c\"", GoText.quote("a\"b\\c"));
        assertEquals("\"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f\"", GoText.quote("\u0007\b\f\n\r\t\u000b\u0000\u007f"));
        assertEquals("\"é😀\"", GoText.quote("é😀"));
        assertEquals("\"\\u00ad\\u2028\\U000e0001\"", GoText.quote("\u00ad\u2028\uDB40\uDC01"));
        assertEquals("\"\\xff\"", GoText.quote("\uDCFF"));
        assertEquals("'\\''", GoText.quoteRune('\''));
        assertEquals("'\"'", GoText.quoteRune('"'));
        assertEquals("'\uFFFD'", GoText.quoteRune(-1));
        assertEquals("U+0063 'c'", GoText.unicodeName('c'));
        assertEquals("U+000A", GoText.unicodeName('\n'));
    }

    @Test
    void durations_parseAndPrintAsPrometheus() {
        assertEquals(5_400_000, Durations.parse("1h30m"));
        assertEquals(5_400_000, Durations.parse("90m"));
        assertEquals(365L * 86_400_000, Durations.parse("1y"));
        assertEquals(1, Durations.parse("1ms"));
        assertEquals(0, Durations.parse("0"));
        assertEquals("1h30m", Durations.format(5_400_000));
        assertEquals("2w", Durations.format(14L * 86_400_000));
        assertEquals("15d", Durations.format(15L * 86_400_000));
        assertEquals("1y", Durations.format(365L * 86_400_000));
        assertEquals("1d1h1m1s1ms", Durations.format(86_400_000 + 3_600_000 + 60_000 + 1_000 + 1));
        assertEquals("0s", Durations.format(0));
        assertEquals("not a valid duration string: \"5m1h\"",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("5m1h")).getMessage());
        assertEquals("duration out of range",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("293y")).getMessage());
        assertEquals("empty duration string",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("")).getMessage());
    }

    @Test
    void unquote_handlesAllGoEscapes() {
        assertEquals("a\tb\"", Unquote.unquote("\"a\\tb\\\"\""));
        assertEquals("it's", Unquote.unquote("'it\\'s'"));
        assertEquals("raw\\n", Unquote.unquote("`raw\\n`"));
        assertEquals("éAA\u0000", Unquote.unquote("\"\\u00e9\\x41\\101\\000\""));
        assertEquals("😀", Unquote.unquote("\"\\U0001F600\""));
        assertEquals("é", Unquote.unquote("\"\\xc3\\xa9\""));
        assertEquals("\uDCFF", Unquote.unquote("\"\\xff\""));
        assertEquals(null, Unquote.unquote("\"\\'\""));
    }
}
