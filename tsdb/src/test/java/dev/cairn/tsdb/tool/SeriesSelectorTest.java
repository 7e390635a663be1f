package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesSelectorTest {
    @Test
    void parse_metricNameAndMatchers() {
        List<Matcher> ms = SeriesSelector.parse("http_requests_total{job=\"api\", code!=\"200\", path=~\"/a.*\", x!~'y'}");
        assertEquals(List.of(Matcher.equal("__name__", "http_requests_total"), Matcher.equal("job", "api"),
                Matcher.of(MatchType.NOT_EQUAL, "code", "200"), Matcher.regex("path", "/a.*"),
                Matcher.of(MatchType.NOT_REGEX, "x", "y")), ms);
    }

    @Test
    void parse_bracesOnly_trailingCommaAndSpaces() {
        assertEquals(List.of(Matcher.regex("__name__", "x.+")), SeriesSelector.parse(" { __name__ =~ \"x.+\" , } "));
        assertEquals(List.of(Matcher.regex("__name__", "(?s:.*)")), SeriesSelector.parse("{__name__=~'(?s:.*)'}"));
        assertEquals(List.of(Matcher.equal("__name__", "a:b")), SeriesSelector.parse("a:b{}"));
        assertEquals(List.of(), SeriesSelector.parse("{}"));
        assertEquals(List.of(Matcher.equal("__name__", "a"), Matcher.equal("__name__", "b")), SeriesSelector.parse("a{__name__=\"b\"}"));
    }

    @Test
    void parse_goEscapesInStrings() {
        assertEquals("a\"b\\c\nd\te\u00e9\u00e9A\u00e9😀", SeriesSelector.parse("{l=\"a\\\"b\\\\c\\nd\\te\\u00e9\\xc3\\xa9\\101\\303\\251\\U0001F600\"}").get(0).value());
        assertEquals("it's", SeriesSelector.parse("{l='it\\'s'}").get(0).value());
        assertEquals("raw\\n", SeriesSelector.parse("{l=`raw\\n`}").get(0).value());
    }

    @Test
    void parse_badInput_saysWhereAndWhat() {
        assertMessage("up{a=b}", "at column 6: expected a quoted string");
        assertMessage("up{a=\"b\"", "expected '}'");
        assertMessage("up{a=\"b", "unterminated quoted string");
        assertMessage("up{a~\"b\"}", "expected one of =, !=, =~, !~ after label a");
        assertMessage("", "empty selector");
        assertMessage("up{a=\"\\q\"}", "unknown escape sequence \\q");
        assertMessage("up{a=~\"(\"}", "invalid regular expression");
        assertMessage("up{a=\"b\"} extra", "after the selector");
        assertMessage("up{a=\"b\" c=\"d\"}", "expected ',' or '}'");
        assertMessage("{\"a\"=\"b\"}", "expected a label name or '}'");
    }

    private static void assertMessage(String selector, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeriesSelector.parse(selector));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
