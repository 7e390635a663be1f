package dev.cairn.storeapi.store;

import com.google.protobuf.ByteString;
import dev.cairn.storeapi.pb.thanos.AggrChunk;
import dev.cairn.storeapi.pb.thanos.Chunk;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.Series;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.labels.Labels;

/**
 * Turns a storage series into a Thanos {@code Series}: labels with the external labels merged in,
 * and its samples re-encoded as raw XOR chunks of at most {@link #SAMPLES_PER_CHUNK} samples (what
 * Prometheus's head cuts at), the chunk bytes being those of a block's chunk segment, count header
 * included. One encoder per call; not thread-safe (it keeps the sample iterator for reuse).
 */
final class SeriesEncoder {
    static final int SAMPLES_PER_CHUNK = 120;

    private final Labels external;
    private ChunkIterator reuse;

    SeriesEncoder(Labels external) {
        this.external = external;
    }

    /** The series' labels as sent: external labels win over a local label of the same name, as in Thanos. */
    Labels labels(Labels local) {
        if (external.isEmpty()) {
            return local;
        }
        Labels.Builder b = local.toBuilder();
        external.forEach(b::set);
        return b.build();
    }

    Series encode(dev.cairn.tsdb.storage.Series s, boolean skipChunks) {
        Series.Builder out = Series.newBuilder();
        labels(s.labels()).forEach((n, v) -> out.addLabels(Label.newBuilder().setName(n).setValue(v)));
        if (skipChunks) {
            return out.build();
        }
        ChunkIterator it = s.iterator(reuse);
        reuse = it;
        XorAppender app = null;
        long first = 0;
        while (it.next()) {
            long t = it.atT();
            if (app == null) {
                app = new XorChunk().appender();
                first = t;
            }
            app.append(t, it.atV());
            if (app.numSamples() == SAMPLES_PER_CHUNK) {
                out.addChunks(chunk(app, first));
                app = null;
            }
        }
        if (app != null) {
            out.addChunks(chunk(app, first));
        }
        return out.build();
    }

    private static AggrChunk chunk(XorAppender app, long first) {
        XorChunk c = app.chunk();
        return AggrChunk.newBuilder()
                .setMinTime(first)
                .setMaxTime(app.lastT())
                .setRaw(Chunk.newBuilder().setType(Chunk.Encoding.XOR)
                        .setData(ByteString.copyFrom(c.bytes(), 0, c.length())))
                .build();
    }
}
