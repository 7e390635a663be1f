package dev.cairn.tsdb.tool.openmetrics;

/**
 * The input is not OpenMetrics text as Prometheus reads it. The message names the source and the
 * 1-based line: {@code demo.om:12: expected a value after the labels}.
 */
public final class OpenMetricsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;

    public OpenMetricsException(String source, long line, String what) {
        super(source + ":" + line + ": " + what);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    /** 1-based line number of the offending line. */
    public long line() {
        return line;
    }
}
