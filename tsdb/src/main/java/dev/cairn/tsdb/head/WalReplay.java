package dev.cairn.tsdb.head;

import dev.cairn.tsdb.record.RecordDecoder;
import dev.cairn.tsdb.record.RefSeries;
import dev.cairn.tsdb.record.SampleBatch;
import dev.cairn.tsdb.wal.SegmentReader;
import dev.cairn.tsdb.wal.TornTail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a head from its WAL: the newest checkpoint, then the segments after it, in order.
 * Series records recreate series under their logged ids (so samples records, which name series by
 * id, find them); samples are applied with the same rules as live appends, except the head window,
 * which a replay does not apply (Prometheus neither): only samples before the head's
 * {@link Head#minValidTime()} — already in a block — are skipped.
 *
 * <p>A torn tail (the last segment cut mid-record by a crash) ends the replay: what follows it was
 * never acknowledged. Samples naming a series id with no series record are counted and skipped
 * (Prometheus does the same); a second series record for labels already present maps its id to
 * the existing series, which happens when a series was dropped and recreated between checkpoints.
 */
final class WalReplay {
    private WalReplay() {
    }

    /** What a replay found. */
    record Stats(long records, long seriesRecords, long samples, long samplesSkipped, long unknownRefs,
                 TornTail tornTail) {
        @Override
        public String toString() {
            return records + " records, " + seriesRecords + " series, " + samples + " samples applied, "
                    + samplesSkipped + " skipped (before min valid time, out of order or duplicate), "
                    + unknownRefs + " for unknown series" + (tornTail == null ? "" : ", torn tail at " + tornTail);
        }
    }

    static Stats replay(Head head, Path walDir) throws IOException {
        return replay(head, walDir, -1);
    }

    /**
     * Replays the checkpoint and every segment when {@code afterSegment} is negative; else only the
     * segments after {@code afterSegment} (what a head snapshot does not hold).
     */
    static Stats replay(Head head, Path walDir, int afterSegment) throws IOException {
        if (!Files.isDirectory(walDir)) {
            return new Stats(0, 0, 0, 0, 0, null);
        }
        RecordDecoder decoder = new RecordDecoder(head.symbols);
        List<RefSeries> series = new ArrayList<>();
        SampleBatch batch = new SampleBatch(1024);
        Map<Long, MemSeries> aliases = new HashMap<>();
        long records = 0;
        long seriesCount = 0;
        long applied = 0;
        long skipped = 0;
        long unknown = 0;
        long minValid = head.minValidTime();
        long chunkRange = head.options.chunkRange();
        int perChunk = head.options.samplesPerChunk();
        long bMin = Long.MAX_VALUE;
        long bMax = Long.MIN_VALUE;
        TornTail torn;
        try (SegmentReader r = afterSegment < 0 ? SegmentReader.openForReplay(walDir)
                : SegmentReader.open(walDir, afterSegment + 1, -1)) {
            while (r.next()) {
                records++;
                switch (RecordDecoder.type(r.recordReader())) {
                    case SERIES -> {
                        series.clear();
                        decoder.series(r.recordReader(), series);
                        for (RefSeries rs : series) {
                            MemSeries s = head.series.createWithId(rs.ref(), rs.labels(), m -> {
                                head.postings.add(m.id, m.labels);
                                head.stats.seriesCreated.increment();
                            });
                            if (s.id != rs.ref()) {
                                aliases.put(rs.ref(), s);
                            }
                            seriesCount++;
                        }
                    }
                    case SAMPLES -> {
                        decoder.samples(r.recordReader(), batch);
                        for (int i = 0; i < batch.size(); i++) {
                            long ref = batch.ref(i);
                            MemSeries s = head.series.byId(ref);
                            if (s == null && !aliases.isEmpty()) {
                                s = aliases.get(ref);
                            }
                            if (s == null) {
                                unknown++;
                                continue;
                            }
                            long t = batch.t(i);
                            if (t < minValid) {
                                skipped++;
                                continue;
                            }
                            long vBits = Double.doubleToRawLongBits(batch.v(i));
                            synchronized (s) {
                                if (s.appendable(t, vBits) != MemSeries.APPENDABLE) {
                                    skipped++;
                                    continue;
                                }
                                if (s.append(t, vBits, chunkRange, perChunk)) {
                                    head.stats.chunksCreated.increment();
                                }
                            }
                            applied++;
                            bMin = Math.min(bMin, t);
                            bMax = Math.max(bMax, t);
                        }
                    }
                    default -> {
                        // tombstones (Cairn deletes nothing from a head yet), exemplars, metadata,
                        // histograms: not data this head holds
                    }
                }
            }
            torn = r.tornTail();
        }
        if (applied > 0) {
            head.observeTimes(bMin, bMax);
        }
        head.stats.samplesAppended.add(applied);
        return new Stats(records, seriesCount, applied, skipped, unknown, torn);
    }
}
