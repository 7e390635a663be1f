package dev.cairn.tsdb.tool;

import java.util.ArrayList;
import java.util.List;

/**
 * A table laid out as Go's {@code text/tabwriter} does with promtool's settings
 * ({@code minwidth 13, tabwidth 0, padding 2, padchar ' ', flags 0}): every column but the last
 * is as wide as its widest cell plus 2 and at least 13; the last cell of a row is not padded.
 * Rows must all have the same number of cells (one column block, as promtool's tables).
 */
public final class TabTable {
    private static final int MIN_WIDTH = 13;
    private static final int PADDING = 2;

    private final List<String[]> rows = new ArrayList<>();

    public TabTable row(String... cells) {
        if (!rows.isEmpty() && rows.get(0).length != cells.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + rows.get(0).length);
        }
        rows.add(cells.clone());
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The laid-out rows, each ending with a newline. */
    public String render() {
        if (rows.isEmpty()) {
            return "";
        }
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (int c = 0; c < columns - 1; c++) {
            width[c] = MIN_WIDTH;
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].codePointCount(0, r[c].length()) + PADDING);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                sb.append(r[c]);
                if (c < columns - 1) {
                    sb.append(" ".repeat(width[c] - r[c].codePointCount(0, r[c].length())));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
