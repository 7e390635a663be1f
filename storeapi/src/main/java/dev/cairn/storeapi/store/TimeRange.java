package dev.cairn.storeapi.store;

/** The time range (ms, inclusive) a store holds data for, as Info reports it. */
public record TimeRange(long minTime, long maxTime) {
    /** Everything: what a store with unknown bounds announces, so queriers never skip it. */
    public static final TimeRange ALL = new TimeRange(Long.MIN_VALUE, Long.MAX_VALUE);
}
