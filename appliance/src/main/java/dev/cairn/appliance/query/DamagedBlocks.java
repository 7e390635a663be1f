package dev.cairn.appliance.query;

import dev.cairn.tsdb.encoding.CorruptionException;

import java.nio.BufferUnderflowException;
import java.util.function.Consumer;

/**
 * Where a querier reports a block it had to leave out of its answer because the block is damaged (bad
 * chunk, index entry pointing outside the file, checksum mismatch): the query answers from the other blocks
 * with a warning naming the block's ULID and the reason, as Prometheus's API returns {@code warnings}, and
 * {@code cairn_query_corrupt_block_reads_total} counts it. One per endpoint and query; thread-safe when the
 * warning sink is.
 */
public final class DamagedBlocks {
    private final String source;
    private final Consumer<String> warnings;
    private final QueryMetrics metrics;

    /**
     * @param source   {@code local} (the receiver's blocks) or {@code bucket} (the store gateway's)
     * @param warnings the query's warnings
     */
    public DamagedBlocks(String source, Consumer<String> warnings, QueryMetrics metrics) {
        this.source = source;
        this.warnings = warnings;
        this.metrics = metrics;
    }

    /** Reports {@code block} (a ULID) left out of this answer because of {@code reason}. */
    public void report(String block, String reason) {
        metrics.corruptBlockRead(source);
        warnings.accept(source + " block " + block + " is damaged and left out of this answer: " + reason
                + (source.equals("bucket") ? "; check it with cairn bucket verify, then repair or delete it"
                        : "; move the block directory out of the receive directory and restart to drop it"));
    }

    /**
     * Whether {@code e}, thrown while reading a block, means the block's bytes are not what the format promises
     * rather than that the read itself failed (I/O, cancellation) or a bug elsewhere: a checksum or bounds check
     * ({@link CorruptionException}) or an offset or length read from the file that points outside it.
     */
    public static boolean isDamage(RuntimeException e) {
        return e instanceof CorruptionException || e instanceof IndexOutOfBoundsException
                || e instanceof BufferUnderflowException || e instanceof NegativeArraySizeException
                || (e instanceof IllegalArgumentException && !(e instanceof java.util.regex.PatternSyntaxException));
    }

    /** The reason as the operator reads it: the message, or the exception's type when it has none. */
    public static String reason(RuntimeException e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : e.getClass() == CorruptionException.class ? m
                : e.getClass().getSimpleName() + ": " + m;
    }
}
