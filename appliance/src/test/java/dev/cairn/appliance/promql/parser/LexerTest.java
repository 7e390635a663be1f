package dev.cairn.appliance.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tokens and lexer errors, as Prometheus's lexer produces them. */
class LexerTest {

    /** "TYPE:text" for each token up to and including EOF or ERROR. */
    private static List<String> tokens(String input) {
        Lexer lexer = new Lexer(input);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Item it = lexer.next();
            out.add(it.type() + ":" + it.val());
            if (it.type() == ItemType.EOF || it.type() == ItemType.ERROR) {
                return out;
            }
        }
        throw new AssertionError("no end of input after 100 tokens: " + out);
    }

    @Test
    void numbersAndDurations_areTellApartByTheUnit() {
        assertEquals(List.of("NUMBER:1", "NUMBER:1.5e-3", "NUMBER:0x1F", "NUMBER:.5", "DURATION:5m", "DURATION:1h30m",
                "DURATION:100ms", "DURATION:2y", "NUMBER:Inf", "NUMBER:nan", "EOF:"),
                tokens("1 1.5e-3 0x1F .5 5m 1h30m 100ms 2y Inf nan"));
    }

    @Test
    void keywords_areCaseInsensitive_butIdentifiersWithColonsAreMetricNames() {
        assertEquals(List.of("SUM:SUM", "BY:By", "LAND:and", "ATAN2:atan2", "IDENTIFIER:rate", "METRIC_IDENTIFIER:a:b",
                "START:start", "EOF:"), tokens("SUM By and atan2 rate a:b start"));
    }

    @Test
    void insideBraces_keywordsAreIdentifiers() {
        assertEquals(List.of("IDENTIFIER:foo", "LEFT_BRACE:{", "IDENTIFIER:by", "EQL_REGEX:=~", "STRING:\"a\"",
                "COMMA:,", "IDENTIFIER:sum", "NEQ_REGEX:!~", "STRING:'b'", "COMMA:,", "IDENTIFIER:x", "NEQ:!=",
                "STRING:`c`", "RIGHT_BRACE:}", "EOF:"), tokens("foo{by=~\"a\", sum!~'b', x!=`c`}"));
    }

    @Test
    void brackets_holdDurationsAndAColon() {
        assertEquals(List.of("IDENTIFIER:foo", "LEFT_BRACKET:[", "DURATION:5m", "COLON::", "DURATION:1m",
                "RIGHT_BRACKET:]", "OFFSET:offset", "SUB:-", "DURATION:1d", "EOF:"), tokens("foo[ 5m : 1m ] offset -1d"));
    }

    @Test
    void comments_runToTheEndOfTheLine() {
        assertEquals(List.of("IDENTIFIER:a", "COMMENT:# x + y", "ADD:+", "IDENTIFIER:b", "EOF:"),
                tokens("a # x + y\n+ b"));
    }

    @Test
    void positions_areByteOffsets() {
        Lexer lexer = new Lexer("\"é\" + x");
        assertEquals(0, lexer.next().pos());
        assertEquals(5, lexer.next().pos());
        assertEquals(7, lexer.next().pos());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '\u0000', value = {
        "0deadbeef => bad number or duration syntax: \"0de\"",
        "foo[5mm] => bad duration syntax: \"5mm\"",
        "foo[1] => missing unit character in duration",
        "foo[5m:abc] => unexpected colon 'a'",
        "(1)) => unexpected right parenthesis ')'",
        "((1) => unclosed left parenthesis",
        "foo[5m => unclosed left bracket",
        "foo[5m:1m[ => unexpected left bracket '['",
        "] => unexpected right bracket ']'",
        "{ => unexpected end of input inside braces",
        "foo{{ => unexpected left brace '{'",
        "foo{a*} => unexpected character inside braces: '*'",
        "foo{a!} => unexpected character after '!' inside braces: '}'",
        "1 =~ 1 => unexpected character after '=': '~'",
        "1 !~ 1 => unexpected character after '!': '~'",
        "; => unexpected character: ';'",
        "\"abc => unterminated quoted string",
        "`abc => unterminated raw string",
        "\"\\c\" => unknown escape sequence U+0063 'c'",
        "\"\\x.\" => illegal character U+002E '.' in escape sequence",
        "\"\\ud800\" => escape sequence is an invalid Unicode code point",
        "\"\\400\" => escape sequence is an invalid Unicode code point",
        "\"\\ => escape sequence not terminated",
        "\"\uFFFD\" => invalid UTF-8 rune",
    })
    void lexerError_isWordedAsPrometheus(String input, String message) {
        List<String> toks = tokens(input);
        assertEquals("ERROR:" + message, toks.get(toks.size() - 1));
    }
}
