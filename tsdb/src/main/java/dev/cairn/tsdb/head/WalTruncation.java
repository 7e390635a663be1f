package dev.cairn.tsdb.head;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.labels.SymbolTable;
import dev.cairn.tsdb.record.RecordDecoder;
import dev.cairn.tsdb.record.RecordEncoder;
import dev.cairn.tsdb.record.RecordType;
import dev.cairn.tsdb.record.RefSeries;
import dev.cairn.tsdb.record.SampleBatch;
import dev.cairn.tsdb.wal.Checkpoint;
import dev.cairn.tsdb.wal.CheckpointFilter;
import dev.cairn.tsdb.wal.Segments;
import dev.cairn.tsdb.wal.Wal;
import dev.cairn.tsdb.wal.WalOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks the WAL after a block was cut, as Prometheus's Head.truncateWAL: start a new segment,
 * checkpoint the older two thirds of the closed segments (they hold mostly samples now in the
 * block), keeping series records of series still in the head and samples at or after the
 * truncation time, then delete those segments and older checkpoints.
 *
 * <p>Crash order: the checkpoint is durable (see {@link Checkpoint}) before any segment is deleted,
 * and segments go oldest first, so a crash anywhere leaves a WAL that replays to the same head.
 */
final class WalTruncation {
    private static final System.Logger LOG = System.getLogger(WalTruncation.class.getName());

    private WalTruncation() {
    }

    static void truncate(Head head, Wal wal, WalOptions options, long mint) throws IOException {
        int[] segs = Segments.list(options.disk(), wal.dir());
        if (segs.length == 0) {
            return;
        }
        int first = segs[0];
        int last = segs[segs.length - 1];
        // a fresh segment, so a quiet head does not keep old samples around longer than needed
        wal.nextSegment();
        last--; // the newest closed segment is never checkpointed
        if (last < 0) {
            return;
        }
        // the lower two thirds hold mostly samples already in blocks; fewer than two segments are not worth it
        last = first + (last - first) * 2 / 3;
        if (last <= first) {
            return;
        }
        Checkpoint.Ref prev = Checkpoint.last(options.disk(), wal.dir());
        if (prev != null && prev.index() >= last) {
            // an earlier truncation checkpointed further but failed to delete: finish that instead
            wal.truncate(prev.index() + 1);
            return;
        }
        Checkpoint.Stats st = Checkpoint.create(wal.dir(), first, last, new KeepLive(head, mint), options);
        wal.truncate(last + 1);
        Checkpoint.deleteBefore(options.disk(), wal.dir(), last);
        LOG.log(System.Logger.Level.INFO, "WAL checkpoint of segments {0}..{1} in {2}: kept {3} of {4} records",
                first, last, wal.dir(), st.recordsKept(), st.recordsRead());
    }

    /** Keeps live series and samples at or after {@code mint}; drops everything else. */
    private static final class KeepLive implements CheckpointFilter {
        private final Head head;
        private final long mint;
        private final RecordDecoder decoder = new RecordDecoder(new SymbolTable());
        private final RecordEncoder encoder = new RecordEncoder();
        private final List<RefSeries> series = new ArrayList<>();
        private final SampleBatch in = new SampleBatch(1024);
        private final SampleBatch out = new SampleBatch(1024);
        private final ByteWriter buf = new ByteWriter(4096);

        KeepLive(Head head, long mint) {
            this.head = head;
            this.mint = mint;
        }

        @Override
        public ByteBuffer filter(ByteBuffer record) {
            RecordType type = RecordType.of(record);
            ByteReader r = new ByteReader(record, "WAL record", 0);
            buf.reset();
            switch (type) {
                case SERIES -> {
                    series.clear();
                    decoder.series(r, series);
                    int kept = 0;
                    encoder.seriesHeader(buf);
                    for (RefSeries s : series) {
                        if (head.series.byId(s.ref()) != null) {
                            encoder.seriesEntry(s.ref(), s.labels(), buf);
                            kept++;
                        }
                    }
                    if (kept == 0) {
                        return null;
                    }
                }
                case SAMPLES -> {
                    decoder.samples(r, in);
                    out.clear();
                    for (int i = 0; i < in.size(); i++) {
                        if (in.t(i) >= mint) {
                            out.add(in.ref(i), in.t(i), in.v(i));
                        }
                    }
                    if (out.size() == 0) {
                        return null;
                    }
                    encoder.samples(out, buf);
                }
                default -> {
                    return null; // tombstones and record kinds this head does not hold
                }
            }
            return ByteBuffer.wrap(buf.toByteArray());
        }
    }
}
