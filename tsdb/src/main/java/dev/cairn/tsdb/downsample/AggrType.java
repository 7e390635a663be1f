package dev.cairn.tsdb.downsample;

/** The aggregates of an {@link AggrChunk}, in the order (and with the numbers) Thanos stores them. */
public enum AggrType {
    COUNT,
    SUM,
    MIN,
    MAX,
    /** The counter with resets removed, plus the raw first and last values (see {@link CounterResetsIterator}). */
    COUNTER;

    static final AggrType[] ALL = values();
}
