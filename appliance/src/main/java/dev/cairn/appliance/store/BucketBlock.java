package dev.cairn.appliance.store;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.ThanosFile;
import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkEncoding;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.chunk.OpaqueChunk;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.index.IndexHeader;
import dev.cairn.tsdb.index.ListPostings;
import dev.cairn.tsdb.index.MergedPostings;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.SeriesBuilder;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/*
 * One block of the bucket as the store gateway reads it. Nothing is read when the block is found by a
 * sync: the index header (TOC, symbols, postings offset table) is fetched on the first query that needs
 * the block, then kept in memory and on local disk (HeaderCache, for the next start). Postings lists, series entries and chunks are fetched per query with ranged
 * GETs, coalesced per object (RangeFetcher), and kept in the shared ByteCache.
 *
 * Lengths we do not know in advance: a postings list ends where the next list starts (IndexHeader);
 * a series entry or chunk ends no later than the next wanted one in the same file, else we guess
 * (SERIES_GUESS / CHUNK_GUESS bytes) and read the rest with one more GET when the guess was short.
 */
final class BucketBlock {
    static final int SERIES_GUESS = 1024;
    static final int CHUNK_GUESS = 2048;
    private static final String INDEX = "index";

    private final BlockMeta meta;
    private final String id;
    private final Labels external;
    private final RangeFetcher fetcher;
    private final ByteCache cache;
    private final SymbolTable interner;
    private final HeaderCache headers;
    private volatile IndexHeader header;
    private final Map<Integer, String> segmentNames = new java.util.concurrent.ConcurrentHashMap<>();

    BucketBlock(BlockMeta meta, RangeFetcher fetcher, ByteCache cache, SymbolTable interner, HeaderCache headers) {
        this.meta = meta;
        this.id = meta.ulid().toString();
        this.external = meta.thanos() == null ? Labels.EMPTY : Labels.of(meta.thanos().labels());
        this.fetcher = fetcher;
        this.cache = cache;
        this.interner = interner;
        this.headers = headers;
    }

    BlockMeta meta() {
        return meta;
    }

    String id() {
        return id;
    }

    /** The block's external labels (Thanos section), added to each of its series. */
    Labels external() {
        return external;
    }

    /** Downsampling resolution in ms, 0 for raw data. */
    long resolution() {
        return meta.thanos() == null ? 0 : meta.thanos().downsampleResolution();
    }

    boolean headerLoaded() {
        return header != null;
    }

    /** The index header, fetched on first use. */
    IndexHeader header() throws IOException {
        IndexHeader h = header;
        if (h != null) {
            return h;
        }
        synchronized (this) {
            if (header == null) {
                String object = object(INDEX);
                String name = fetcher.bucket().name() + "/" + object;
                IndexHeader.RangeSource remote = (off, len) -> fetcher.readFully(object, off, len);
                long size = indexSize();
                HeaderCache.Source src = headers.source(id, remote);
                IndexHeader loaded;
                try {
                    loaded = IndexHeader.read(src, size, name, interner);
                } catch (CorruptionException e) {
                    if (!src.fromDisk()) {
                        throw e;
                    }
                    // the local copy does not match the index: it is the copy that is wrong, ask the bucket
                    headers.drop(id);
                    src = headers.source(id, remote);
                    loaded = IndexHeader.read(src, size, name, interner);
                }
                src.persist();
                header = loaded;
            }
            return header;
        }
    }

    /** The index's size from meta.json's file list (Thanos writes it), else from the bucket. */
    private long indexSize() throws IOException {
        if (meta.thanos() != null) {
            for (ThanosFile f : meta.thanos().files()) {
                if (f.relPath().equals(INDEX) && f.sizeBytes() > 0) {
                    return f.sizeBytes();
                }
            }
        }
        return fetcher.bucket().attributes(object(INDEX)).size();
    }

    private String object(String rel) {
        return id + "/" + rel;
    }

    /** Series having label {@code name} set to any of {@code values}; the lists are fetched in one pass. */
    Postings postings(String name, List<String> values) throws IOException {
        IndexHeader h = header();
        List<Postings> lists = new ArrayList<>(values.size());
        List<String> missing = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        for (String v : values) {
            long[] r = h.postingsRange(name, v);
            if (r == null) {
                continue;
            }
            byte[] cached = cache.get(postingsKey(name, v));
            if (cached != null) {
                lists.add(h.postings(cached, 0, cached.length, r[0]));
            } else {
                missing.add(v);
                ranges.add(r);
            }
        }
        if (!missing.isEmpty()) {
            // ranges come in value order, which is file order for every writer we know; sort to be sure
            Integer[] order = new Integer[missing.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(ranges.get(a)[0], ranges.get(b)[0]));
            long[] starts = new long[order.length];
            long[] ends = new long[order.length];
            for (int i = 0; i < order.length; i++) {
                starts[i] = ranges.get(order[i])[0];
                ends[i] = ranges.get(order[i])[1];
            }
            List<RangeFetcher.Part> parts = fetcher.readCoalesced(object(INDEX), starts, ends);
            for (int i = 0; i < order.length; i++) {
                RangeFetcher.Part p = RangeFetcher.find(parts, starts[i]);
                byte[] b = p == null ? new byte[0] : p.slice(starts[i], ends[i]);
                Postings list = h.postings(b, 0, b.length, starts[i]);
                // keep only the list itself (length, refs, CRC), not the alignment padding after it
                int used = 8 + (int) (ByteBuffer.wrap(b).getInt(0) & 0xFFFFFFFFL);
                cache.put(postingsKey(name, missing.get(order[i])), used == b.length ? b : Arrays.copyOf(b, used));
                lists.add(list);
            }
        }
        return MergedPostings.of(lists);
    }

    Postings allPostings() throws IOException {
        return postings("", List.of(""));
    }

    private ByteCache.Key postingsKey(String name, String value) {
        return new ByteCache.Key(id, ByteCache.Kind.POSTINGS, 0, name + '\0' + value);
    }

    /** A series entry: its labels as stored (without external labels) and its chunks. */
    record Entry(long ref, Labels labels, List<ChunkMeta> chunks) {
    }

    /** The series entries of {@code refs} (sorted, from postings), in that order. */
    List<Entry> series(long[] refs) throws IOException {
        IndexHeader h = header();
        SeriesBuilder sb = new SeriesBuilder();
        Entry[] out = new Entry[refs.length];
        int[] missing = new int[refs.length];
        int nm = 0;
        for (int i = 0; i < refs.length; i++) {
            if (!h.validSeriesRef(refs[i])) {
                throw new CorruptionException(h.name(), refs[i] * 16, "postings point at series ref " + refs[i]
                        + " outside the series section");
            }
            byte[] cached = cache.get(seriesKey(refs[i]));
            if (cached != null && h.series(refs[i], cached, 0, cached.length, sb) == 0) {
                out[i] = new Entry(refs[i], sb.labels(), List.copyOf(sb.chunks()));
            } else {
                missing[nm++] = i;
            }
        }
        if (nm > 0) {
            long[] starts = new long[nm];
            long[] ends = new long[nm];
            for (int k = 0; k < nm; k++) {
                long start = refs[missing[k]] * 16;
                long end = Math.min(start + SERIES_GUESS, h.seriesEnd());
                if (k + 1 < nm) {
                    end = Math.min(end, refs[missing[k + 1]] * 16);
                }
                starts[k] = start;
                ends[k] = end;
            }
            List<RangeFetcher.Part> parts = fetcher.readCoalesced(object(INDEX), starts, ends);
            for (int k = 0; k < nm; k++) {
                int i = missing[k];
                long start = starts[k];
                RangeFetcher.Part p = RangeFetcher.find(parts, start);
                // decoded in place: the entry may run on past the wanted range, as far as the read went
                byte[] data = p == null ? new byte[0] : p.data();
                int off = p == null ? 0 : (int) (start - p.start());
                int need = h.series(refs[i], data, off, data.length - off, sb);
                // the guess was short: read what the entry says it needs (twice at most: once to learn its
                // length when not even that was read, once for the entry)
                for (int attempt = 0; need > 0; attempt++) {
                    if (attempt == 2 || need <= data.length - off) {
                        throw new CorruptionException(h.name(), start, "series entry of " + need
                                + " bytes could not be read whole (got " + (data.length - off) + ")");
                    }
                    data = fetcher.read(object(INDEX), start, (int) Math.min(need, h.seriesEnd() - start));
                    off = 0;
                    need = h.series(refs[i], data, 0, data.length, sb);
                }
                cache.put(seriesKey(refs[i]), Arrays.copyOfRange(data, off, off + entryLength(data, off)));
                out[i] = new Entry(refs[i], sb.labels(), List.copyOf(sb.chunks()));
            }
        }
        return Arrays.asList(out);
    }

    /** Bytes of the series entry at {@code b[off]}: its length field, body and CRC. */
    private static int entryLength(byte[] b, int off) {
        long len = 0;
        int shift = 0;
        int p = off;
        int x;
        do {
            x = b[p++] & 0xFF;
            len |= (long) (x & 0x7F) << shift;
            shift += 7;
        } while (x >= 0x80);
        return (int) (p - off + len + 4);
    }

    private ByteCache.Key seriesKey(long ref) {
        return new ByteCache.Key(id, ByteCache.Kind.SERIES, ref, "");
    }

    /** The chunks at {@code refs} (any order), checked against their CRC32C. */
    Map<Long, Chunk> chunks(long[] refs) throws IOException {
        long[] sorted = refs.clone();
        Arrays.sort(sorted);
        Map<Long, Chunk> out = new HashMap<>(sorted.length * 2);
        List<Long> missing = new ArrayList<>();
        for (long ref : sorted) {
            if (out.containsKey(ref)) {
                continue;
            }
            byte[] cached = cache.get(chunkKey(ref));
            if (cached != null) {
                out.put(ref, decodeChunk(cached, ref, false));
            } else if (missing.isEmpty() || missing.get(missing.size() - 1) != ref) {
                missing.add(ref);
            }
        }
        int i = 0;
        while (i < missing.size()) {
            // one segment file at a time: refs sort by segment, then offset
            int seg = (int) (missing.get(i) >>> 32);
            int j = i;
            while (j < missing.size() && (int) (missing.get(j) >>> 32) == seg) {
                j++;
            }
            String object = object(segmentFile(seg));
            int n = j - i;
            long[] starts = new long[n];
            long[] ends = new long[n];
            for (int k = 0; k < n; k++) {
                starts[k] = missing.get(i + k) & 0xFFFFFFFFL;
                ends[k] = starts[k] + CHUNK_GUESS;
                if (k + 1 < n) {
                    ends[k] = Math.min(ends[k], missing.get(i + k + 1) & 0xFFFFFFFFL);
                }
            }
            List<RangeFetcher.Part> parts = fetcher.readCoalesced(object, starts, ends);
            for (int k = 0; k < n; k++) {
                long ref = missing.get(i + k);
                RangeFetcher.Part p = RangeFetcher.find(parts, starts[k]);
                // measured in place, then copied exactly: the part may hold many chunks
                byte[] data = p == null ? new byte[0] : p.data();
                int off = p == null ? 0 : (int) (starts[k] - p.start());
                int need = chunkLength(data, off);
                for (int attempt = 0; need > data.length - off && attempt < 2; attempt++) {
                    // the guess was short (twice at most: to learn the length, then for the chunk)
                    int got = data.length - off;
                    data = fetcher.read(object, starts[k], need);
                    off = 0;
                    need = chunkLength(data, 0);
                    if (data.length <= got) {
                        break; // the segment ends here
                    }
                }
                if (need > data.length - off || data.length - off == 0) {
                    throw new CorruptionException(fetcher.bucket().name() + "/" + object, starts[k],
                            "chunk reference 0x" + Long.toHexString(ref) + " points past the end of the segment");
                }
                byte[] exact = Arrays.copyOfRange(data, off, off + need);
                Chunk c = decodeChunk(exact, ref, true);
                cache.put(chunkKey(ref), exact);
                out.put(ref, c);
            }
            i = j;
        }
        return out;
    }

    /**
     * Bytes of the chunk at {@code b[off]} (length field, encoding, data, CRC); a guess past what there
     * is when not even the length field is there.
     */
    private static int chunkLength(byte[] b, int off) {
        long len = 0;
        int shift = 0;
        int p = off;
        while (true) {
            if (p >= b.length) {
                return b.length - off + CHUNK_GUESS;
            }
            int x = b[p++] & 0xFF;
            len |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                break;
            }
            shift += 7;
            if (shift > 35) {
                return Integer.MAX_VALUE;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, p - off + 1 + len + 4);
    }

    /** Decodes a chunk as stored in a segment (length, encoding, data, CRC32C), checking the CRC when asked. */
    private Chunk decodeChunk(byte[] b, long ref, boolean check) {
        String file = segmentName((int) (ref >>> 32));
        long offset = ref & 0xFFFFFFFFL;
        int p = 0;
        long len = 0;
        int shift = 0;
        int x;
        do {
            x = b[p++] & 0xFF;
            len |= (long) (x & 0x7F) << shift;
            shift += 7;
        } while (x >= 0x80);
        int encPos = p;
        int dataPos = p + 1;
        if (dataPos + len + 4 > b.length) {
            throw new CorruptionException(file, offset, "chunk of " + len + " bytes runs past the segment");
        }
        if (check) {
            CRC32C crc = new CRC32C();
            crc.update(b, encPos, (int) len + 1);
            int stored = ByteBuffer.wrap(b).getInt(dataPos + (int) len);
            if ((int) crc.getValue() != stored) {
                throw new CorruptionException(file, offset, String.format(
                        "chunk checksum mismatch: stored CRC32C 0x%08X, computed 0x%08X", stored, (int) crc.getValue()));
            }
        }
        ChunkEncoding enc = ChunkEncoding.of(b[encPos] & 0xFF);
        byte[] data = Arrays.copyOfRange(b, dataPos, dataPos + (int) len);
        if (enc == ChunkEncoding.XOR) {
            return XorChunk.wrap(data, 0, data.length, file, offset + dataPos);
        }
        if (enc == ChunkEncoding.AGGR) {
            return new OpaqueChunk(enc, data, file, offset + dataPos);
        }
        throw new UnsupportedOperationException(file + " at offset " + offset + ": chunk encoding "
                + (b[encPos] & 0xFF) + " (native histograms or unknown) is not supported by Cairn yet");
    }

    /** {@code chunks/000001} for segment index 0. */
    private static String segmentFile(int seg) {
        String n = Integer.toString(seg + 1);
        return "chunks/" + "000000".substring(Math.min(6, n.length())) + n;
    }

    /** Bucket and object of a segment, for messages; built once per segment, not per chunk. */
    private String segmentName(int seg) {
        return segmentNames.computeIfAbsent(seg, s -> fetcher.bucket().name() + "/" + object(segmentFile(s)));
    }

    private ByteCache.Key chunkKey(long ref) {
        return new ByteCache.Key(id, ByteCache.Kind.CHUNK, ref, "");
    }

    /** Refs of a postings iterator. */
    static long[] expand(Postings p) {
        return ListPostings.expand(p);
    }

    @Override
    public String toString() {
        return "block " + id + " (" + meta.minTime() + ".." + meta.maxTime() + ", resolution " + resolution() + " ms)";
    }
}
