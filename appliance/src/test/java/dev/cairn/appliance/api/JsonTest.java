package dev.cairn.appliance.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {
    private static String ts(long ms) {
        StringBuilder sb = new StringBuilder();
        Json.timestamp(sb, ms);
        return sb.toString();
    }

    private static String str(String s) {
        StringBuilder sb = new StringBuilder();
        Json.string(sb, s);
        return sb.toString();
    }

    @Test
    void formatValue_isGoFormatFloatFShortest() {
        // strconv.FormatFloat(v, 'f', -1, 64) of each
        assertEquals("0.1", Json.formatValue(0.1));
        assertEquals("1", Json.formatValue(1.0));
        assertEquals("-2.5", Json.formatValue(-2.5));
        assertEquals("1000000000000000000000", Json.formatValue(1e21));
        assertEquals("0.0000001", Json.formatValue(1e-7));
        assertEquals("0." + "0".repeat(323) + "5", Json.formatValue(Double.MIN_VALUE));
        assertEquals("0.30000000000000004", Json.formatValue(0.1 + 0.2));
        assertEquals("NaN", Json.formatValue(Double.NaN));
        assertEquals("+Inf", Json.formatValue(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", Json.formatValue(Double.NEGATIVE_INFINITY));
        assertEquals("-0", Json.formatValue(-0.0));
        // Double.toString gives 1.0E23: written out in full, as Go's 'f' format does
        assertEquals("100000000000000000000000", Json.formatValue(1e23));
    }

    @Test
    void timestamp_isSecondsWithThreeDigitMillisWhenNotWhole() {
        assertEquals("1700000000", ts(1_700_000_000_000L));
        assertEquals("1700000000.500", ts(1_700_000_000_500L));
        assertEquals("1700000000.005", ts(1_700_000_000_005L));
        assertEquals("1.050", ts(1050));
        assertEquals("-1.500", ts(-1500));
        assertEquals("0", ts(0));
    }

    @Test
    void string_escapesAsGoEncodingJson() {
        assertEquals("\"a\\\"b\\\\c\"", str("a\"b\\c"));
        assertEquals("\"\\u003cb\\u003e \\u0026\"", str("<b> &"));
        assertEquals("\"\\n\\t\\r\\u0001\"", str("\n\t\r\u0001"));
        assertEquals("\"\\u2028\"", str("\u2028"));
        assertEquals("\"\ud83d\ude00\"", str("\ud83d\ude00"));
        assertEquals("\"\ufffd\"", str("\ud83d"));
    }
}
