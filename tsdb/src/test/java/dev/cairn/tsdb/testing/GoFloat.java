package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.tool.GoText;

/**
 * Go's {@code %g} for a float64, which {@code promtool tsdb dump} prints values with. Test code
 * renders through the same {@link GoText#formatFloat} that {@code cairn tsdb dump} uses, so
 * {@code GoFloatTest}'s comparison with promtool checks the production formatter.
 */
public final class GoFloat {
    private GoFloat() {
    }

    public static String format(double v) {
        return GoText.formatFloat(v);
    }
}
