package dev.cairn.tsdb.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GoFloatTest {
    @Test
    void format_matchesGoPercentG() {
        // Expected strings are what Go's fmt.Sprintf("%g", v) prints (Go spec of strconv 'g', -1).
        assertEquals("0", GoFloat.format(0.0));
        assertEquals("-0", GoFloat.format(-0.0));
        assertEquals("1", GoFloat.format(1.0));
        assertEquals("123456", GoFloat.format(123456));
        assertEquals("1e+06", GoFloat.format(1e6));
        assertEquals("1.234567e+06", GoFloat.format(1234567));
        assertEquals("0.0001", GoFloat.format(1e-4));
        assertEquals("1e-05", GoFloat.format(1e-5));
        assertEquals("0.1", GoFloat.format(0.1));
        assertEquals("0.30000000000000004", GoFloat.format(0.1 + 0.2));
        assertEquals("-2.5", GoFloat.format(-2.5));
        assertEquals("1.7976931348623157e+308", GoFloat.format(Double.MAX_VALUE));
        assertEquals("5e-324", GoFloat.format(Double.MIN_VALUE));
        assertEquals("1e+100", GoFloat.format(1e100));
        assertEquals("NaN", GoFloat.format(Samples.STALE_NAN));
        assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoFloat.format(Double.NEGATIVE_INFINITY));
    }
}
