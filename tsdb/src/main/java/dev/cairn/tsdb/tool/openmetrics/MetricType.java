package dev.cairn.tsdb.tool.openmetrics;

/** The metric types a {@code # TYPE} line may name in OpenMetrics 1.0. */
public enum MetricType {
    COUNTER, GAUGE, HISTOGRAM, GAUGEHISTOGRAM, SUMMARY, INFO, STATESET, UNKNOWN;

    static MetricType of(String text) {
        for (MetricType t : values()) {
            if (t.name().toLowerCase(java.util.Locale.ROOT).equals(text)) {
                return t;
            }
        }
        return null;
    }
}
