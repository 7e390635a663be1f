package dev.cairn.appliance.promql.parser;

/**
 * A query that is not valid PromQL. The message is Prometheus 2.42's, position first:
 * {@code 1:9: parse error: unexpected <op:*>}; the HTTP API returns it as a {@code bad_data} error.
 * Only the first problem is reported, as Prometheus reports only its first.
 */
public final class ParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String query;
    private final PositionRange positionRange;
    private final String detail;

    public ParseException(String query, PositionRange positionRange, String detail) {
        super(positionRange.startLineColumn(query) + ": parse error: " + detail);
        this.query = query;
        this.positionRange = positionRange;
        this.detail = detail;
    }

    /** The query that failed. */
    public String query() {
        return query;
    }

    /** Where the problem is (byte offsets into the UTF-8 query). */
    public PositionRange positionRange() {
        return positionRange;
    }

    /** The message without its position, e.g. {@code unexpected <op:*>}. */
    public String detail() {
        return detail;
    }
}
