package dev.cairn.appliance.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Operator precedence and associativity as Prometheus's grammar declares them. */
class ParserPrecedenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
        "1 + 2 * 3 => (+ 1 (* 2 3))",
        "1 * 2 + 3 => (+ (* 1 2) 3)",
        "a - b - c => (- (- a b) c)",
        "a / b * c % d => (% (* (/ a b) c) d)",
        "a atan2 b * c => (* (atan2 a b) c)",
        "a + b atan2 c => (+ a (atan2 b c))",
        "2 ^ 3 ^ 2 => (^ 2 (^ 3 2))",
        "a * b ^ c => (* a (^ b c))",
        "a ^ b * c => (* (^ a b) c)",
        "-a ^ b => (- (^ a b))",
        "-a * b => (* (- a) b)",
        "-a + b => (+ (- a) b)",
        "a ^ -b => (^ a (- b))",
        "a ^ -b ^ c => (^ a (- (^ b c)))",
        "- -a => (- (- a))",
        "-2 ^ 2 => (- (^ 2 2))",
        "a or b and c => (or a (and b c))",
        "a and b or c => (or (and a b) c)",
        "a unless b and c => (and (unless a b) c)",
        "a or b unless c => (or a (unless b c))",
        "a == b + c => (== a (+ b c))",
        "a + b > c => (> (+ a b) c)",
        "a > b and c < d => (and (> a b) (< c d))",
        "a == b == c => (== (== a b) c)",
        "a == bool b != bool c => (!= (== a b) c)",
        "a or b or c => (or (or a b) c)",
        "(a + b) * c => (* [(+ a b)] c)",
        "a + b offset 5m => (+ a b offset 5m)",
        "a + b @ 5 => (+ a b @ 5.000)",
        "-a offset 5m => (- a offset 5m)",
        "sum(a) + sum(b) * 2 => (+ (sum a) (* (sum b) 2))",
        "a + on(x) b * c => (+ a (* b c))",
        "sum + 1 => (+ sum 1)",
        "and and and => (and and and)",
        "-1 * 2 => (* -1 2)",
    })
    void binaryOperators_groupAsPrometheus(String query, String tree) {
        assertEquals(tree.strip(), Trees.sexpr(Parser.parse(query.strip())));
    }
}
