package dev.cairn.tsdb.labels;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatcherTest {

    @Test
    void regex_isFullyAnchored() {
        Matcher m = Matcher.regex("job", "node");
        assertTrue(m.matches("node"));
        assertFalse(m.matches("node_exporter"));
        assertFalse(m.matches("a_node"));
        assertTrue(Matcher.regex("job", "no.*|x").matches("x"));
        assertFalse(Matcher.regex("job", "no.*|x").matches("xx"));
    }

    @Test
    void regex_dotDoesNotMatchNewline_asInPrometheus2() {
        assertFalse(Matcher.regex("a", ".*").matches("x\ny"));
        assertFalse(Matcher.regex("a", "x.*").matches("x\ny"));
        assertFalse(Matcher.regex("a", ".+").matches("\n"));
        assertTrue(Matcher.regex("a", "(?s).*").matches("x\ny"));
    }

    @Test
    void notMatchers_negate() {
        assertTrue(Matcher.of(MatchType.NOT_EQUAL, "a", "x").matches(""));
        assertFalse(Matcher.of(MatchType.NOT_EQUAL, "a", "x").matches("x"));
        assertTrue(Matcher.of(MatchType.NOT_REGEX, "a", "x|y").matches("z"));
        assertFalse(Matcher.of(MatchType.NOT_REGEX, "a", "x|y").matches("y"));
    }

    @Test
    void matchesEmpty_tellsWhetherAMissingLabelMatches() {
        assertTrue(Matcher.regex("a", ".*").matchesEmpty());
        assertFalse(Matcher.regex("a", ".+").matchesEmpty());
        assertTrue(Matcher.equal("a", "").matchesEmpty());
        assertTrue(Matcher.regex("a", "x|").matchesEmpty());
    }

    @Test
    void invalidRegex_givesClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matcher.regex("job", "a("));
        assertTrue(e.getMessage().contains("invalid regular expression \"a(\" for label job"), e.getMessage());
        // RE2 has no backreferences or lookaheads: Prometheus rejects them, so must we
        assertThrows(IllegalArgumentException.class, () -> Matcher.regex("job", "(a)\\1"));
        assertThrows(IllegalArgumentException.class, () -> Matcher.regex("job", "a(?=b)"));
        // would compile inside the anchoring group, but is not a regex by itself
        assertThrows(IllegalArgumentException.class, () -> Matcher.regex("job", "a)|(b"));
    }

    @Test
    void setMatches_andPrefix_areExtractedOnlyWhenExact() {
        assertEquals(List.of("a", "b", "c"), Matcher.regex("x", "c|a|b").setMatches());
        assertEquals(List.of("a", "b"), Matcher.regex("x", "(a|b)").setMatches());
        assertEquals(List.of("v"), Matcher.equal("x", "v").setMatches());
        assertNull(Matcher.regex("x", "a.b").setMatches());
        assertNull(Matcher.regex("x", "a|b+").setMatches());
        assertEquals("api_", Matcher.regex("x", "api_.*").literalPrefix());
        assertNull(Matcher.regex("x", "a.*b").literalPrefix());
    }

    /** Every shortcut must agree with the regex engine on every input. */
    @Test
    void shortcuts_agreeWithRegexEngine_onRandomInputs() {
        String[] regexes = {".*", ".+", "ab.*", "a|b|cd", "(x|yz)", "", "abc", "a|", "p.*"};
        String alphabet = "abcdxyzp\n.";
        Random r = new Random(42);
        for (String re : regexes) {
            Pattern p = Pattern.compile("^(?:" + re + ")$");
            Matcher m = Matcher.regex("l", re);
            for (int i = 0; i < 3000; i++) {
                StringBuilder sb = new StringBuilder();
                int n = r.nextInt(5);
                for (int j = 0; j < n; j++) {
                    sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                String s = sb.toString();
                assertEquals(p.matcher(s).matches(), m.matches(s), () -> "regex " + re + " on " + Labels.quoted(s));
            }
        }
    }

    @Test
    void toString_isPromqlText() {
        assertEquals("job=~\"a\\\\.b\"", Matcher.regex("job", "a\\.b").toString());
        assertEquals("job!=\"x\"", Matcher.of(MatchType.NOT_EQUAL, "job", "x").toString());
    }
}
