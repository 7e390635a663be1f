package dev.cairn.appliance.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Printing: Prometheus's pretty form, and printed text that parses back to the same tree. */
class PrinterTest {

    @Test
    void pretty_longBinaryExpression_splitsAroundOperator() {
        String q = "sum by (job, instance, mode) (rate(node_cpu_seconds_total{mode!=\"idle\",instance=~\"web-.*\"}[5m]))"
                + " / on (job, instance) group_left () count by (job, instance) (node_cpu_seconds_total{mode=\"idle\"})";
        // Prometheus 2.42's /api/v1/format_query answer for q.
        String expected = "  sum by (job, instance, mode) (rate(node_cpu_seconds_total{instance=~\"web-.*\",mode!=\"idle\"}[5m]))\n"
                + "/ on (job, instance) group_left ()\n"
                + "  count by (job, instance) (node_cpu_seconds_total{mode=\"idle\"})";
        assertEquals(expected, Printer.pretty(Parser.parse(q)));
    }

    @Test
    void pretty_longCall_putsArgumentsOnTheirOwnLines() {
        String q = "-max_over_time((sum without (instance) (rate(http_requests_total{job=\"api-server\",code=~\"5..\"}[5m]))"
                + " > 10)[1h:5m])";
        // Prometheus 2.42's answer: the subquery fits in 100 bytes, so Prometheus prints it unindented.
        String expected = "-max_over_time(\n"
                + "(sum without (instance) (rate(http_requests_total{code=~\"5..\",job=\"api-server\"}[5m])) > 10)[1h:5m]\n"
                + ")";
        assertEquals(expected, Printer.pretty(Parser.parse(q)));
    }

    @Test
    void pretty_shortExpression_isTheOneLineForm() {
        Expr e = Parser.parse("sum(rate(x[5m])) by (a) > bool 1");
        assertEquals("sum by (a) (rate(x[5m])) > bool 1", Printer.pretty(e));
        assertEquals(Printer.print(e), Printer.pretty(e));
    }

    @Test
    void print_thenParse_givesTheSameTree_forEveryCuratedValidQuery() throws Exception {
        List<String> valid = validQueries();
        assertTrue(valid.size() > 250, "valid queries: " + valid.size());
        for (String q : valid) {
            Expr first = Parser.parse(q);
            Expr again = Parser.parse(Printer.print(first));
            assertEquals(Trees.strip(first), Trees.strip(again), q);
            assertEquals(Printer.print(first), Printer.print(again), q);
            Expr fromPretty = Parser.parse(Printer.pretty(first));
            assertEquals(Trees.strip(first), Trees.strip(fromPretty), q);
        }
    }

    @Test
    void print_thenParse_givesTheSameTree_forMutatedQueriesThatParse() throws Exception {
        int checked = 0;
        for (String q : LivePrometheusComparisonTest.mutations(LivePrometheusComparisonTest.curatedQueries(), 3000, 7L)) {
            Expr first;
            try {
                first = Parser.parse(q);
            } catch (ParseException e) {
                continue;
            }
            checked++;
            assertEquals(Trees.strip(first), Trees.strip(Parser.parse(Printer.print(first))), q);
        }
        assertTrue(checked > 300, "mutations that parse: " + checked);
    }

    private static List<String> validQueries() throws Exception {
        List<String> out = new ArrayList<>();
        for (String q : LivePrometheusComparisonTest.curatedQueries()) {
            try {
                Parser.parse(q);
                out.add(q);
            } catch (ParseException e) {
                // invalid ones are covered by the error tests
            }
        }
        return out;
    }
}
