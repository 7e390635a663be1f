package dev.cairn.appliance.sidebyside;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The side-by-side verdict must catch the differences it claims to catch, and only those. */
class AnswerDiffTest {
    private static Peers.Answer ok(String resultType, String result) {
        return new Peers.Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"" + resultType
                + "\",\"result\":" + result + "}}");
    }

    private static Peers.Answer vec(String value) {
        return ok("vector", "[{\"metric\":{\"job\":\"a\"},\"value\":[10,\"" + value + "\"]}]");
    }

    @Test
    void diff_valuesWithinOneMillionthRelative_agree() throws Exception {
        assertNull(AnswerDiff.diff(vec("1000000"), vec("1000000.5")));
        assertNull(AnswerDiff.diff(vec("NaN"), vec("NaN")));
        assertNull(AnswerDiff.diff(vec("+Inf"), vec("+Inf")));
    }

    @Test
    void diff_valuesApartOrNaNVersusNumber_differ() throws Exception {
        assertNotNull(AnswerDiff.diff(vec("1"), vec("1.00001")));
        assertNotNull(AnswerDiff.diff(vec("NaN"), vec("0")));
        assertNotNull(AnswerDiff.diff(vec("+Inf"), vec("-Inf")));
    }

    @Test
    void diff_seriesOrderIgnored_butLabelSetsCompared() throws Exception {
        String a = "{\"metric\":{\"job\":\"a\"},\"value\":[10,\"1\"]}";
        String b = "{\"metric\":{\"job\":\"b\"},\"value\":[10,\"2\"]}";
        assertNull(AnswerDiff.diff(ok("vector", "[" + a + "," + b + "]"), ok("vector", "[" + b + "," + a + "]")));
        String diff = AnswerDiff.diff(ok("vector", "[" + a + "," + b + "]"), ok("vector", "[" + a + "]"));
        assertTrue(diff != null && diff.contains("job=b"), diff);
    }

    @Test
    void diff_rangeTimestampsAndResultType_compared() throws Exception {
        String m1 = "[{\"metric\":{},\"values\":[[1,\"1\"],[2,\"2\"]]}]";
        String m2 = "[{\"metric\":{},\"values\":[[1,\"1\"],[3,\"2\"]]}]";
        assertNotNull(AnswerDiff.diff(ok("matrix", m1), ok("matrix", m2)));
        assertNotNull(AnswerDiff.diff(ok("matrix", m1), ok("vector", "[]")));
    }

    @Test
    void diff_errorsCompareStatusAndTypeNotMessage() throws Exception {
        Peers.Answer bad1 = new Peers.Answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}");
        Peers.Answer bad2 = new Peers.Answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"y\"}");
        Peers.Answer exec = new Peers.Answer(422, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"x\"}");
        assertNull(AnswerDiff.diff(bad1, bad2));
        assertNotNull(AnswerDiff.diff(bad1, exec));
        assertNotNull(AnswerDiff.diff(bad1, vec("1")));
    }

    @Test
    void diff_warnings_compared() throws Exception {
        Peers.Answer w = new Peers.Answer(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
                + "\"result\":[]},\"warnings\":[\"w\"]}");
        assertNotNull(AnswerDiff.diff(w, ok("vector", "[]")));
    }
}
