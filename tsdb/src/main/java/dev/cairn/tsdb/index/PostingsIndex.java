package dev.cairn.tsdb.index;

import java.util.List;

/**
 * What selecting series by label needs from an index: label names and values and the postings of
 * label pairs. An index file ({@link IndexReader}) and the head's in-memory index
 * ({@link MemPostings}) both provide it, so {@link PostingsForMatchers} serves both.
 *
 * <p>Lists are sorted in UTF-8 byte order ({@link Utf8Order}) and not to be modified. The label
 * name "" with value "" is the all-postings key, not a label: {@link #labelNames()} omits it.
 * Thread-safe for reads.
 */
public interface PostingsIndex {
    /** Every label name of every series, sorted. */
    List<String> labelNames();

    /** The values label {@code name} takes, sorted; empty when no series has it. */
    List<String> labelValues(String name);

    /**
     * Series having label {@code name} with any of {@code values} (a union); values not present are
     * ignored. Refs come sorted and once each.
     */
    Postings postings(String name, List<String> values);

    default Postings postings(String name, String... values) {
        return postings(name, List.of(values));
    }

    /** Every series. */
    Postings allPostings();
}
