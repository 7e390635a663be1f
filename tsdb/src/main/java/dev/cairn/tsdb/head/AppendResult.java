package dev.cairn.tsdb.head;

/**
 * What became of one sample handed to {@link HeadAppender#append}. Rejections are results, not
 * exceptions: a remote-write batch routinely holds a few, and each is counted in {@link HeadStats}.
 * {@link #message()} is Prometheus's error text for the same case, for the 400 answer a receiver
 * sends.
 */
public enum AppendResult {
    /** Buffered; becomes visible and durable on commit. Also returned for an exact duplicate (same timestamp and value bits), which is then ignored, as Prometheus does. */
    OK(""),
    /** Older than the newest sample of its series, and not an exact duplicate. */
    OUT_OF_ORDER("out of order sample"),
    /** Same timestamp as the newest sample of its series with a different value. */
    DUPLICATE("duplicate sample for timestamp"),
    /** Older than the head's appendable window (head max time minus half the chunk range, or a block already cut). */
    OUT_OF_BOUNDS("out of bounds"),
    /** A series with no labels: it could never be selected or written to a block. */
    EMPTY_LABELSET("empty labelset: invalid sample");

    private final String message;

    AppendResult(String message) {
        this.message = message;
    }

    /** Prometheus's error string (storage.ErrOutOfOrderSample and friends); empty for {@link #OK}. */
    public String message() {
        return message;
    }
}
