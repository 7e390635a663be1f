package dev.cairn.appliance.promql.parser;

import java.nio.charset.StandardCharsets;

/**
 * Where a node or token sits in the query: byte offsets into its UTF-8 form, {@code end} exclusive,
 * as Prometheus's posrange.PositionRange.
 */
public record PositionRange(int start, int end) {

    public static final PositionRange NONE = new PositionRange(0, 0);

    /** The smallest range covering both. */
    public PositionRange merge(PositionRange other) {
        return new PositionRange(start, other.end);
    }

    /**
     * {@code line:column} of the start, both 1-based, the column counted in bytes from the last
     * line break, as Prometheus 2.42 prints it in "1:9: parse error: ...".
     */
    public String startLineColumn(String query) {
        byte[] b = query.getBytes(StandardCharsets.UTF_8);
        if (start < 0 || start > b.length) {
            return "invalid position";
        }
        int line = 1;
        int lastBreak = -1;
        for (int i = 0; i < start; i++) {
            if (b[i] == '\n') {
                lastBreak = i;
                line++;
            }
        }
        return line + ":" + (start - lastBreak);
    }
}
