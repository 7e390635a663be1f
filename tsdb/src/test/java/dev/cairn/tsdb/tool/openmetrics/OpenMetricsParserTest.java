package dev.cairn.tsdb.tool.openmetrics;

import dev.cairn.tsdb.tool.openmetrics.OpenMetricsParser.Entry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenMetricsParserTest {
    private static OpenMetricsParser parser(String text) {
        return new OpenMetricsParser(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "in.om");
    }

    @Test
    void next_readsMetadataAndSamples() throws IOException {
        OpenMetricsParser p = parser("""
                # HELP http_requests_total Requests \\"served\\"\\n.
                # TYPE http_requests_total counter
                # UNIT req_seconds seconds
                http_requests_total{code="200",path="/a\\\\b\\"c\\nd\\te"} 1027 1700000000.5
                up 1 1700000000
                # EOF
                """);
        assertEquals(Entry.HELP, p.next());
        assertEquals("http_requests_total", p.metricName());
        assertEquals("Requests \"served\"\n.", p.text());
        assertEquals(Entry.TYPE, p.next());
        assertEquals(MetricType.COUNTER, p.type());
        assertEquals(Entry.UNIT, p.next());
        assertEquals("seconds", p.text());
        assertEquals(Entry.SAMPLE, p.next());
        assertEquals(4, p.line());
        assertEquals("http_requests_total", p.metricName());
        assertEquals(2, p.labelCount());
        assertEquals("path", p.labelName(1));
        assertEquals("/a\\b\"c\nd\\te", p.labelValue(1));
        assertEquals(1027.0, p.value());
        assertTrue(p.hasTimestamp());
        assertEquals(1700000000500L, p.timestampMillis());
        assertEquals(Entry.SAMPLE, p.next());
        assertEquals(0, p.labelCount());
        assertEquals("up", p.seriesKey());
        assertEquals(Entry.EOF, p.next());
        assertEquals(Entry.EOF, p.next());
    }

    @Test
    void next_floatsAndTimestampsFollowGo() throws IOException {
        OpenMetricsParser p = parser("""
                a NaN 1
                a +Inf 2.0009
                a -inf -1.5
                a 1.5e3
                a .5 1e3
                a -0 0.0019
                a 12345678901234567890 1
                # EOF""");
        List<double[]> got = new ArrayList<>();
        while (p.next() == Entry.SAMPLE) {
            got.add(new double[] {p.value(), p.hasTimestamp() ? p.timestampMillis() : Double.NaN});
        }
        assertEquals(FloatText.GO_NAN_BITS, Double.doubleToRawLongBits(got.get(0)[0]));
        assertEquals(1000, got.get(0)[1]);
        assertEquals(Double.POSITIVE_INFINITY, got.get(1)[0]);
        assertEquals(2000, got.get(1)[1], "2.0009 s truncates to 2000 ms");
        assertEquals(Double.NEGATIVE_INFINITY, got.get(2)[0]);
        assertEquals(-1500, got.get(2)[1]);
        assertEquals(1500, got.get(3)[0]);
        assertTrue(Double.isNaN(got.get(3)[1]));
        assertEquals(0.5, got.get(4)[0]);
        assertEquals(1_000_000, got.get(4)[1]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(got.get(5)[0]));
        assertEquals(1, got.get(5)[1], "0.0019 s truncates to 1 ms");
        assertEquals(1.2345678901234567e19, got.get(6)[0]);
    }

    @Test
    void next_exemplarsAreCheckedAndDropped() throws IOException {
        OpenMetricsParser p = parser("""
                foo_total{a="b"} 17 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67 1520879602.890
                foo_bucket 3 # {} 1
                # EOF
                """);
        assertEquals(Entry.SAMPLE, p.next());
        assertEquals(17.0, p.value());
        assertEquals(1, p.labelCount());
        assertEquals(1520879607789L, p.timestampMillis());
        assertEquals(Entry.SAMPLE, p.next());
        assertFalse(p.hasTimestamp());
        assertEquals(Entry.EOF, p.next());
    }

    @Test
    void next_readsLinesLongerThanItsBuffers() throws IOException {
        String v = "x".repeat(200_000);
        OpenMetricsParser p = parser("m{a=\"" + v + "\"} 1 2\n# EOF\n");
        assertEquals(Entry.SAMPLE, p.next());
        assertEquals(v, p.labelValue(0));
        assertEquals(Entry.EOF, p.next());
    }

    @Test
    void next_streamsFromAnInputThatTricklesBytes() throws IOException {
        byte[] text = "a{b=\"c\"} 1 2\n# EOF\n".getBytes(StandardCharsets.UTF_8);
        InputStream oneByteAtATime = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < text.length ? text[i++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= text.length) {
                    return -1;
                }
                b[off] = text[i++];
                return 1;
            }
        };
        OpenMetricsParser p = new OpenMetricsParser(oneByteAtATime, "trickle");
        assertEquals(Entry.SAMPLE, p.next());
        assertEquals("c", p.labelValue(0));
        assertEquals(Entry.EOF, p.next());
    }

    @Test
    void next_badInput_namesLineAndProblem() {
        assertError("a 1 1\n", 2, "without the '# EOF'");
        assertError("a 1 1\n# EOF\nb 1 1\n", 3, "unexpected data after '# EOF'");
        assertError("a 1 1", 2, "without the '# EOF'");
        assertError("\n# EOF\n", 1, "blank line");
        assertError("# random comment\n# EOF\n", 1, "unknown comment");
        assertError("#HELP a b\n# EOF\n", 1, "one space after '#'");
        assertError("# TYPE a gauges\n# EOF\n", 1, "invalid metric type \"gauges\"");
        assertError("# HELP a\n# EOF\n", 1, "expected a space and text");
        assertError("# UNIT a_bytes seconds\n# EOF\n", 1, "not a suffix");
        assertError("a{b=\"c\",} 1 1\n# EOF\n", 1, "no trailing comma");
        assertError("a{b=c} 1 1\n# EOF\n", 1, "double-quoted value for label b");
        assertError("a{b=\"c} 1 1\n# EOF\n", 1, "unterminated value of label b");
        assertError("a{b=\"c\" d=\"e\"} 1 1\n# EOF\n", 1, "expected ',' or '}'");
        assertError("a{b=\"c\"}\n# EOF\n", 1, "expected a space and a value");
        assertError("a  1\n# EOF\n", 1, "two spaces in a row at column 2");
        assertError("a 1 \n# EOF\n", 1, "the line ends with a space");
        assertError("a 1 1 \n# EOF\n", 1, "after the timestamp");
        assertError("a 1 2 3\n# EOF\n", 1, "after the timestamp");
        assertError("a 0x10 1\n# EOF\n", 1, "bad value: invalid number \"0x10\"");
        assertError("a 1_000 1\n# EOF\n", 1, "unsupported character");
        assertError("a 1e999 1\n# EOF\n", 1, "out of range");
        assertError("a 1 NaN\n# EOF\n", 1, "invalid timestamp");
        assertError("a 1 Inf\n# EOF\n", 1, "invalid timestamp");
        assertError("a 1 1\r\n# EOF\n", 1, "bad timestamp");
        assertError("a 1 1 # {x=\"y\"} 1\n# EOF\n", 1, "exemplars are allowed only");
        assertError("1a 1 1\n# EOF\n", 1, "expected a metric name or '#'");
    }

    @Test
    void next_invalidUtf8LabelValue_isRejected() {
        byte[] bad = "a{b=\"\u0000\"} 1 1\n# EOF\n".getBytes(StandardCharsets.UTF_8);
        bad[5] = (byte) 0xC3; // a lead byte followed by '"': truncated sequence
        OpenMetricsParser p = new OpenMetricsParser(new ByteArrayInputStream(bad), "bad.om");
        OpenMetricsException e = assertThrows(OpenMetricsException.class, p::next);
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    private static void assertError(String text, long line, String part) {
        OpenMetricsParser p = parser(text);
        OpenMetricsException e = assertThrows(OpenMetricsException.class, () -> {
            for (int i = 0; i < 100 && p.next() != Entry.EOF; i++) {
                // drain until the error
            }
        });
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("in.om:" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
