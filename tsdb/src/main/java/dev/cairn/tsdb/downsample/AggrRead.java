package dev.cairn.tsdb.downsample;

/**
 * What a query reads from downsampled data, chosen by the PromQL function around the selector as
 * Thanos's querier chooses (pkg/query/querier.go aggrsFromFunc).
 *
 * <p>The values are the aggregates themselves, one sample per window: {@code count_over_time} over
 * {@link #COUNT} must add the counts up (sum_over_time), not count the windows — that is the query
 * layer's job, Thanos leaves it to PromQL as well.
 */
public enum AggrRead {
    COUNT(AggrType.COUNT),
    SUM(AggrType.SUM),
    MIN(AggrType.MIN),
    MAX(AggrType.MAX),
    /** The counter with resets applied across chunks ({@link CounterResetsIterator}). */
    COUNTER(AggrType.COUNTER),
    /** Sum / count per window ({@link AverageIterator}): plain selectors and everything else. */
    AVERAGE(null);

    private final AggrType type;

    AggrRead(AggrType type) {
        this.type = type;
    }

    /** The single aggregate read, or null for {@link #AVERAGE}. */
    public AggrType type() {
        return type;
    }

    /**
     * The read for a PromQL function name ({@code ""} or null for a plain selector): min/min_* → MIN,
     * max/max_* → MAX, count/count_* → COUNT, sum_* → SUM (plain {@code sum} aggregates across series and
     * wants real values: AVERAGE), rate/increase/irate/resets/xrate/xincrease → COUNTER, else AVERAGE.
     */
    public static AggrRead forFunction(String f) {
        if (f == null) {
            return AVERAGE;
        }
        if (f.equals("min") || f.startsWith("min_")) {
            return MIN;
        }
        if (f.equals("max") || f.startsWith("max_")) {
            return MAX;
        }
        if (f.equals("count") || f.startsWith("count_")) {
            return COUNT;
        }
        if (f.startsWith("sum_")) {
            return SUM;
        }
        switch (f) {
            case "increase", "rate", "irate", "resets", "xincrease", "xrate" -> {
                return COUNTER;
            }
            default -> {
                return AVERAGE;
            }
        }
    }
}
