package dev.cairn.appliance.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Valid PromQL: every literal form, selector, modifier, operator, aggregation and function parses,
 * and prints in Prometheus's canonical form (the expected texts are Prometheus 2.42's output).
 */
class ParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '\u0000', value = {
        // numbers
        "1 => 1",
        "-1 => -1",
        "+1 => 1",
        "- -1 => 1",
        "1.5e3 => 1500",
        ".5 => 0.5",
        "5. => 5",
        "0x1F => 31",
        "0X1f => 31",
        "010 => 8",
        "09 => 9",
        "1e6 => 1e+06",
        "123456789 => 1.23456789e+08",
        "123456.7 => 123456.7",
        "0.0001 => 0.0001",
        "0.00001 => 1e-05",
        "1e-7 => 1e-07",
        "1e100 => 1e+100",
        "Inf => +Inf",
        "-inf => -Inf",
        "NaN => NaN",
        "nAn => NaN",
        "0x7FFFFFFFFFFFFFFF => 9.223372036854776e+18",
        "99999999999999999999 => 1e+20",
        // strings
        "\"a\\tb\" => \"a\\tb\"",
        "'single \"q\"' => \"single \\\"q\\\"\"",
        "`raw\\n` => \"raw\\\\n\"",
        "\"\\u00e9\\x41\\101\" => \"éAA\"",
        "\"\\U0001F600\" => \"\uD83D\uDE00\"",
        "\"\\x00\\x1f\\x7f\" => \"\\x00\\x1f\\x7f\"",
        "\"\\u2028\\u00ad\" => \"\\u2028\\u00ad\"",
        // selectors
        "foo => foo",
        "foo{} => foo",
        "foo{a=\"b\",} => foo{a=\"b\"}",
        "foo{e!~\"f\", a!=\"b\", c=~\"d.*\"} => foo{a!=\"b\",c=~\"d.*\",e!~\"f\"}",
        "{a=\"b\"} => {a=\"b\"}",
        "{__name__=\"foo\"} => {__name__=\"foo\"}",
        "{__name__=~\"foo|bar\"} => {__name__=~\"foo|bar\"}",
        "foo:bar:baz => foo:bar:baz",
        "foo{a='b'} => foo{a=\"b\"}",
        "foo{a=`b\\c`} => foo{a=\"b\\\\c\"}",
        "foo{a=\"\\xff\"} => foo{a=\"\\xff\"}",
        "SUM => SUM",
        "by => by",
        "offset => offset",
        "start => start",
        // modifiers
        "foo offset 5m => foo offset 5m",
        "foo offset -5m => foo offset -5m",
        "foo offset 90m => foo offset 1h30m",
        "foo offset 14d => foo offset 2w",
        "foo offset 366d => foo offset 366d",
        "foo offset 730d => foo offset 2y",
        "foo offset 1y1d => foo offset 366d",
        "foo offset 3600000ms => foo offset 1h",
        "foo OFFSET 1d1h1m1s1ms => foo offset 1d1h1m1s1ms",
        "foo @ 123 => foo @ 123.000",
        "foo @ 1.0005 => foo @ 1.001",
        "foo @ -5 => foo @ -5.000",
        "foo @ 0x10 => foo @ 16.000",
        "foo @ start() => foo @ start()",
        "foo @ end() => foo @ end()",
        "foo offset 5m @ 1 => foo @ 1.000 offset 5m",
        "foo[5m] => foo[5m]",
        "foo[1h30m] => foo[1h30m]",
        "foo[5m] offset 1m => foo[5m] offset 1m",
        "foo[5m] offset 1m @ 100 => foo[5m] @ 100.000 offset 1m",
        "foo[5m:] => foo[5m:]",
        "foo[5m:1m] => foo[5m:1m]",
        "foo[ 5m : 1m ] => foo[5m:1m]",
        "foo[5m:1m] offset -5m => foo[5m:1m] offset -5m",
        "foo[5m:1m] @ end() => foo[5m:1m] @ end()",
        "rate(foo[5m])[1h:5m] => rate(foo[5m])[1h:5m]",
        "(foo + bar)[5m:] => (foo + bar)[5m:]",
        "sum(x) [5m:1m] @ start() offset -1m => sum(x)[5m:1m] @ start() offset -1m",
        // operators and vector matching
        "1+2*3 => 1 + 2 * 3",
        "a atan2 b => a atan2 b",
        "a AND b => a and b",
        "a == bool b => a == bool b",
        "1 == bool 1 => 1 == bool 1",
        "a >= on(x) b => a >= on (x) b",
        "a + on(x, y) b => a + on (x, y) b",
        "a + ignoring(x) b => a + ignoring (x) b",
        "a + ignoring() b => a + b",
        "a + on() b => a + on () b",
        "1 + on() a => 1 + a",
        "a * on(x) group_left(y) b => a * on (x) group_left (y) b",
        "a * on(x) group_left b => a * on (x) group_left () b",
        "a * on(x) group_right(y, z) b => a * on (x) group_right (y, z) b",
        "a * ignoring(x) group_left() b => a * ignoring (x) group_left () b",
        "a == bool on(x) group_left(y) b => a == bool on (x) group_left (y) b",
        "a or ignoring(y) b => a or ignoring (y) b",
        "a + on(a) group_left (b) + c => a + on (a) group_left (b) +c",
        "-(foo) => -(foo)",
        "+foo => +foo",
        "-foo offset 5m => -foo offset 5m",
        "((foo)) => ((foo))",
        // aggregations
        "sum(foo) => sum(foo)",
        "sum by (a) (foo) => sum by (a) (foo)",
        "sum(foo) by (a) => sum by (a) (foo)",
        "sum without (a, b) (foo) => sum without (a, b) (foo)",
        "sum(foo) without () => sum without () (foo)",
        "sum by () (foo) => sum(foo)",
        "sum by (a,) (foo) => sum by (a) (foo)",
        "Sum BY (a) (foo) => sum by (a) (foo)",
        "avg(foo) => avg(foo)",
        "min(foo) => min(foo)",
        "max(foo) => max(foo)",
        "group(foo) => group(foo)",
        "stddev(foo) => stddev(foo)",
        "stdvar(foo) => stdvar(foo)",
        "count(foo) => count(foo)",
        "count_values(\"v\", foo) => count_values(\"v\", foo)",
        "bottomk(3, foo) => bottomk(3, foo)",
        "topk by (a) (5, foo) => topk by (a) (5, foo)",
        "quantile(0.9, foo) => quantile(0.9, foo)",
        "count_values without (a) (\"v\", foo) => count_values without (a) (\"v\", foo)",
        "sum by (and, or, by, sum, offset, bool, on, start) (foo) => sum by (and, or, by, sum, offset, bool, on, start) (foo)",
        // comments and whitespace
        "foo # comment => foo",
    })
    void validQuery_printsCanonically(String query, String canonical) {
        assertEquals(canonical.strip(), Parser.parse(query.strip()).toString());
    }

    @Test
    void commentsAndNewlines_areSkipped() {
        assertEquals("sum(rate(x[5m]))", Parser.parse("# leading\nsum(\n  rate(x[5m]) # c )\n)").toString());
        assertEquals("foo{a=\"b\"}", Parser.parse("foo{ # inside braces\n a=\"b\"}").toString());
    }

    @Test
    void everyFunction_withArgumentsOfItsSignature_parsesAndPrints() {
        for (Function f : Functions.all().values()) {
            StringBuilder args = new StringBuilder();
            for (int i = 0; i < f.argTypes().size(); i++) {
                if (i > 0) {
                    args.append(", ");
                }
                args.append(switch (f.argTypes().get(i)) {
                    case VECTOR -> "foo";
                    case MATRIX -> "foo[5m]";
                    case SCALAR -> "0.5";
                    case STRING -> "\"s\"";
                    default -> throw new AssertionError();
                });
            }
            String q = f.name() + "(" + args + ")";
            Expr e = Parser.parse(q);
            Call c = assertInstanceOf(Call.class, e, q);
            assertEquals(f, c.function());
            assertEquals(f.returnType(), c.type());
            assertEquals(q, e.toString());
        }
        assertEquals(73, Functions.all().size(), "non-experimental functions of Prometheus 2.53");
    }

    @Test
    void optionalAndVariadicArguments_acceptEveryAllowedCount() {
        assertEquals("round(foo)", Parser.parse("round(foo)").toString());
        assertEquals("round(foo, 5)", Parser.parse("round(foo, 5)").toString());
        assertEquals("hour()", Parser.parse("hour()").toString());
        assertEquals("days_in_month(foo)", Parser.parse("days_in_month(foo)").toString());
        assertEquals("label_join(foo, \"a\", \",\")", Parser.parse("label_join(foo, \"a\", \",\")").toString());
        assertEquals("label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")",
                Parser.parse("label_join(foo, \"a\", \",\", \"b\", \"c\", \"d\")").toString());
        assertEquals(ValueType.SCALAR, Parser.parse("time()").type());
        assertEquals(ValueType.SCALAR, Parser.parse("scalar(foo) * pi()").type());
    }

    @Test
    void vectorSelector_keepsMatchersWithNameLast() {
        VectorSelector v = assertInstanceOf(VectorSelector.class, Parser.parse("foo{a=\"b\", c!~\"d\"}"));
        assertEquals("foo", v.name());
        assertEquals(List.of(Matcher.of(MatchType.EQUAL, "a", "b"), Matcher.of(MatchType.NOT_REGEX, "c", "d"),
                Matcher.equal("__name__", "foo")), v.matchers());
        assertEquals(0, v.offsetMs());
        assertFalse(v.at().isSet());
        assertEquals(new PositionRange(0, 18), v.positionRange());
    }

    @Test
    void matrixSelector_withModifiers_keepsThemOnTheSelector() {
        MatrixSelector m = assertInstanceOf(MatrixSelector.class, Parser.parse("foo[5m] @ 1.5 offset -1h"));
        assertEquals(300_000, m.rangeMs());
        assertEquals(-3_600_000, m.selector().offsetMs());
        assertEquals(AtModifier.at(1500), m.selector().at());
        assertEquals(new PositionRange(0, 24), m.positionRange());
    }

    @Test
    void subquery_withoutStep_hasStepZero() {
        SubqueryExpr s = assertInstanceOf(SubqueryExpr.class, Parser.parse("rate(foo[1m])[30m:] @ end()"));
        assertEquals(1_800_000, s.rangeMs());
        assertEquals(0, s.stepMs());
        assertEquals(AtModifier.END, s.at());
        assertInstanceOf(Call.class, s.expr());
        assertEquals(ValueType.MATRIX, s.type());
    }

    @Test
    void binaryExpr_vectorMatching_isKeptOnlyBetweenVectors() {
        BinaryExpr b = assertInstanceOf(BinaryExpr.class, Parser.parse("a * on(x) group_left(y) b"));
        assertEquals(new VectorMatching(VectorMatching.Cardinality.MANY_TO_ONE, List.of("x"), true, List.of("y")),
                b.matching());
        BinaryExpr set = assertInstanceOf(BinaryExpr.class, Parser.parse("a and b"));
        assertEquals(VectorMatching.Cardinality.MANY_TO_MANY, set.matching().card());
        BinaryExpr scalar = assertInstanceOf(BinaryExpr.class, Parser.parse("a > bool 1"));
        assertNull(scalar.matching());
        assertTrue(scalar.returnBool());
        assertEquals(ValueType.SCALAR, Parser.parse("1 + 2").type());
        assertEquals(ValueType.VECTOR, Parser.parse("1 + a").type());
    }

    @Test
    void aggregation_withParam_separatesParamFromVector() {
        AggregateExpr a = assertInstanceOf(AggregateExpr.class, Parser.parse("topk(5, foo) without (a)"));
        assertEquals(AggregateOp.TOPK, a.op());
        assertEquals(5.0, ((NumberLiteral) a.param()).value());
        assertInstanceOf(VectorSelector.class, a.expr());
        assertTrue(a.without());
        assertEquals(List.of("a"), a.grouping());
        assertEquals(new PositionRange(0, 24), a.positionRange());
    }

    @Test
    void unaryMinus_onNumber_foldsIntoLiteral_butNotOnParentheses() {
        NumberLiteral n = assertInstanceOf(NumberLiteral.class, Parser.parse(" - 2"));
        assertEquals(-2.0, n.value());
        assertEquals(new PositionRange(1, 4), n.positionRange());
        UnaryExpr u = assertInstanceOf(UnaryExpr.class, Parser.parse("-(2)"));
        assertEquals(BinaryOp.SUB, u.op());
    }

    @Test
    void atStartOrEnd_beforeRange_isAccepted_andPrintedAfterIt() {
        // Prometheus forbids only a timestamp before the range, not start()/end().
        assertEquals("foo[5m] @ end()", Parser.parse("foo @ end()[5m]").toString());
    }

    @Test
    void explicitEmptyNameMatcher_isPrinted_as2_53Does() {
        // 2.42 dropped it, which changed the selector's meaning on re-parse; 2.53 prints it.
        assertEquals("{__name__=\"\",job=\"a\"}", Parser.parse("{__name__=\"\", job=\"a\"}").toString());
    }

    @Test
    void metricSelector_returnsMatchers_withoutTypeChecks() {
        assertEquals(List.of(Matcher.of(MatchType.REGEX, "a", "b.*"), Matcher.equal("__name__", "foo")),
                Parser.parseMetricSelector("foo{a=~\"b.*\"}"));
        assertEquals(List.of(Matcher.equal("a", "")), Parser.parseMetricSelector("{a=\"\"}"));
        assertEquals(List.of(Matcher.equal("__name__", "sum")), Parser.parseMetricSelector("sum"));
        assertEquals("1:4: parse error: unexpected \"[\"",
                org.junit.jupiter.api.Assertions.assertThrows(ParseException.class,
                        () -> Parser.parseMetricSelector("foo[5m]")).getMessage());
        assertEquals("1:1: parse error: unexpected end of input",
                org.junit.jupiter.api.Assertions.assertThrows(ParseException.class,
                        () -> Parser.parseMetricSelector("")).getMessage());
    }

    @Test
    void deeplyNestedQuery_parsesAndPrints_asPrometheusDoes() {
        String q = "(".repeat(20_000) + "foo" + ")".repeat(20_000);
        assertEquals(q, Parser.parse(q).toString());
        String chain = "1" + " + 1".repeat(30_000);
        assertEquals(chain, Parser.parse(chain).toString());
    }

    @Test
    void multiByteText_positionsCountBytes() {
        StringLiteral s = assertInstanceOf(StringLiteral.class, Parser.parse("\"é\""));
        assertEquals(new PositionRange(0, 4), s.positionRange());
    }
}
