package dev.cairn.appliance.store;

import dev.cairn.tsdb.index.IndexHeader;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.PostingsIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A bucket block's index as {@link dev.cairn.tsdb.index.PostingsForMatchers} reads it: names and
 * values from the resident index header, postings lists fetched from the bucket. Bucket errors come
 * out as {@link UncheckedIOException}, the interface being unchecked.
 */
final class BucketIndex implements PostingsIndex {
    private final BucketBlock block;
    private final IndexHeader header;

    BucketIndex(BucketBlock block) throws IOException {
        this.block = block;
        this.header = block.header();
    }

    @Override
    public List<String> labelNames() {
        return header.labelNames();
    }

    @Override
    public List<String> labelValues(String name) {
        return header.labelValues(name);
    }

    @Override
    public Postings postings(String name, List<String> values) {
        try {
            return block.postings(name, values);
        } catch (IOException e) {
            throw new UncheckedIOException("read postings of " + name + " from " + block, e);
        }
    }

    @Override
    public Postings allPostings() {
        return postings("", List.of(""));
    }
}
