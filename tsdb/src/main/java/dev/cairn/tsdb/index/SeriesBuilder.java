package dev.cairn.tsdb.index;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A reusable holder {@link IndexReader#series} fills with one series' labels and chunk metas,
 * so scanning many series reuses one chunk list. What it holds is valid until the next fill;
 * the {@link Labels} themselves are immutable and may be kept.
 */
public final class SeriesBuilder {
    private Labels labels = Labels.EMPTY;
    private final ArrayList<ChunkMeta> chunks = new ArrayList<>();
    private final List<ChunkMeta> view = Collections.unmodifiableList(chunks);

    public Labels labels() {
        return labels;
    }

    /** The chunk metas sorted by time; a live view that the next fill replaces. */
    public List<ChunkMeta> chunks() {
        return view;
    }

    void reset() {
        labels = Labels.EMPTY;
        chunks.clear();
    }

    void labels(Labels l) {
        labels = l;
    }

    void addChunk(ChunkMeta m) {
        chunks.add(m);
    }
}
