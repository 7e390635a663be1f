package dev.cairn.tsdb.labels;

/** The four PromQL label matcher operators. */
public enum MatchType {
    EQUAL("="),
    NOT_EQUAL("!="),
    REGEX("=~"),
    NOT_REGEX("!~");

    private final String op;

    MatchType(String op) {
        this.op = op;
    }

    public String op() {
        return op;
    }
}
