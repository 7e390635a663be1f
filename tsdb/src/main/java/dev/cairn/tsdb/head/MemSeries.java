package dev.cairn.tsdb.head;

import dev.cairn.tsdb.chunk.XorEncoder;
import dev.cairn.tsdb.chunk.XorIterator;
import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;

import java.util.Arrays;

/**
 * One series in the head: its labels, the open XOR chunk being appended to, and references to the
 * chunks already completed, which live in the head's {@link ChunkStore} (on disk in
 * {@code chunks_head/} for a head with a WAL, as Prometheus's memory-mapped head chunks).
 *
 * <h2>Memory</h2>
 * At a million series every field counts: no lock object (the monitor of {@code this} guards the
 * mutable state, and an uncontended monitor costs nothing), no boxed numbers; the open chunk's
 * encoder is this object's superclass rather than an object of its own (its buffer is the only
 * other object a sample touches), and its newest sample ({@code lastT}, {@code lastVBits}) is the
 * series' newest sample; completed chunks are one {@code long[]} of (reference, minT, maxT) triples.
 *
 * <h2>Chunk cutting</h2>
 * As Prometheus's memSeries.appendPreprocessor: a chunk never reaches past {@code nextAt}, the end
 * of the chunk range its first sample falls in; when the chunk holds a quarter of
 * {@code samplesPerChunk}, {@code nextAt} is pulled in by {@link #computeChunkEndTime} so the rest of
 * the range fills evenly sized chunks; a chunk is also cut at twice the target. This is the rule of
 * Prometheus 2.42, the peer Cairn is checked against; later versions also cut a chunk whose bytes
 * pass 1005 (chunkenc.MaxBytesPerXORChunkBeforeAppend), which only changes chunks of noisy values.
 *
 * <p>Thread-safety: {@link #id} and {@link #labels} are immutable; everything else is read and
 * written only while holding the monitor of this object.
 */
final class MemSeries extends XorEncoder {
    private static final long[] NO_CHUNKS = new long[0];
    /** Initial buffer of a chunk; it grows by a quarter (at least 32 bytes) as samples arrive. */
    private static final int FIRST_CHUNK_BYTES = 64;

    /** Result of {@link #appendable} beyond {@link AppendResult}: an exact duplicate to drop silently. */
    static final int APPENDABLE = 0;
    static final int EXACT_DUPLICATE = 1;
    static final int OUT_OF_ORDER = 2;
    static final int DUPLICATE = 3;

    final long id;
    final Labels labels;

    /**
     * The open chunk as loaded from a head snapshot, until the next append resumes it: resuming
     * decodes every sample of the chunk, which at a million series would cost seconds of start-up
     * for series that may never get another sample.
     */
    private byte[] resumeBytes;
    private long openMinT;
    /** The open chunk must be cut at the first sample at or after this time. */
    private long nextAt;
    /**
     * The completed chunks, oldest first, three longs each: reference in the head's
     * {@link ChunkStore}, minT, maxT. Exactly as long as needed.
     */
    private long[] closed = NO_CHUNKS;
    /** An appender has buffered samples for this series and not yet committed or rolled back. */
    private boolean pendingCommit;
    /**
     * {@link #lastVBits} is not known: the series was restored with completed chunks from disk and
     * no sample after them; {@link #resolveLastValue} reads it from the last chunk.
     */
    private boolean lastValueUnknown;

    MemSeries(long id, Labels labels) {
        this.id = id;
        this.labels = labels;
        this.lastT = Long.MIN_VALUE; // no sample yet
    }

    private int closedN() {
        return closed.length / 3;
    }

    private long closedRef(int i) {
        return closed[3 * i];
    }

    private long closedMin(int i) {
        return closed[3 * i + 1];
    }

    private long closedMax(int i) {
        return closed[3 * i + 2];
    }

    /** Whether (t, v) may follow the series' newest sample; one of the int codes above. Caller holds the lock. */
    int appendable(long t, long vBits) {
        return order(t, vBits, lastT, lastVBits);
    }

    /**
     * Whether (t, v) may follow the sample (newestT, newestVBits) of the same series (Long.MIN_VALUE:
     * none yet); one of the int codes above. Also checks a batch's samples against each other.
     */
    static int order(long t, long vBits, long newestT, long newestVBits) {
        if (newestT == Long.MIN_VALUE || t > newestT) {
            return APPENDABLE;
        }
        if (t == newestT) {
            // exact duplicates happen in valid setups (federation, retries): accept and drop them
            return vBits == newestVBits ? EXACT_DUPLICATE : DUPLICATE;
        }
        return OUT_OF_ORDER;
    }

    /**
     * Appends a sample known to be newer than the newest one. Caller holds the lock.
     *
     * @return whether a new chunk was cut for it
     */
    boolean append(long t, long vBits, long chunkRange, int samplesPerChunk, ChunkStore store) {
        // The common sample goes straight to the encoder; everything else (first sample of a chunk,
        // resuming a restored chunk, the quarter-full estimate, a cut) through one method out of
        // line. The first test is the time one because a series' very first sample passes it
        // (nextAt starts at 0), so the JIT sees it taken long before the first cut, and never
        // compiles it as a trap that would throw the whole commit loop back to the interpreter.
        int n = numSamples();
        if (t >= nextAt || !hasChunk() || n == samplesPerChunk / 4 || n >= samplesPerChunk * 2) {
            return appendSlow(t, vBits, chunkRange, samplesPerChunk, store);
        }
        appendBits(t, vBits); // sets lastT and lastVBits
        return false;
    }

    private boolean appendSlow(long t, long vBits, long chunkRange, int samplesPerChunk, ChunkStore store) {
        boolean cut = false;
        if (resumeBytes != null) {
            resumeChunk(resumeBytes, "open head chunk of " + labels);
            resumeBytes = null;
        }
        if (!hasChunk()) {
            cut(t, chunkRange, store);
            cut = true;
        } else {
            int n = numSamples();
            if (n == samplesPerChunk / 4) {
                nextAt = computeChunkEndTime(openMinT, lastT, nextAt, 4);
            }
            if (t >= nextAt || n >= samplesPerChunk * 2) {
                cut(t, chunkRange, store);
                cut = true;
            }
        }
        appendBits(t, vBits); // sets lastT and lastVBits
        // a restored series with no open chunk (the only kind whose last value is unknown) comes here
        lastValueUnknown = false;
        return cut;
    }

    private void cut(long t, long chunkRange, ChunkStore store) {
        int capacity = FIRST_CHUNK_BYTES;
        if (hasChunk()) {
            long ref = store.write(id, openMinT, lastT, array(), length());
            int n = closed.length;
            closed = Arrays.copyOf(closed, n + 3);
            closed[n] = ref;
            closed[n + 1] = openMinT;
            closed[n + 2] = lastT;
            // the store copied the bytes. The next chunk gets a buffer half this one's size that
            // grows with it rather than this full-sized one: at a million series the open chunks
            // are on average half full, and a reused buffer would hold the other half as dead
            // bytes (~200 B a series at 3 B a sample); half the size costs about two short copies
            // per chunk, each an old-to-young reference store (a card for the GC to scan)
            capacity = Math.max(FIRST_CHUNK_BYTES, length() / 2);
            dropChunk();
        }
        startChunk(capacity);
        openMinT = t;
        nextAt = rangeForTimestamp(t, chunkRange);
    }

    /** End of the chunk range holding {@code t}: Prometheus's rangeForTimestamp (Go's truncating division). */
    static long rangeForTimestamp(long t, long width) {
        return (t / width) * width + width;
    }

    /**
     * Prometheus's computeChunkEndTime: assuming samples keep arriving at the rate seen in
     * [start, cur] and the range is 1/ratioToFull full, the end time that splits what remains up to
     * {@code maxT} into equally sized chunks.
     */
    static long computeChunkEndTime(long start, long cur, long maxT, double ratioToFull) {
        double n = (double) (maxT - start) / ((double) (cur - start + 1) * ratioToFull);
        if (n <= 1) {
            return maxT;
        }
        return (long) ((double) start + (double) (maxT - start) / Math.floor(n));
    }

    /** Newest timestamp, or Long.MIN_VALUE. Caller holds the lock. */
    long maxTime() {
        return lastT;
    }

    /** Oldest timestamp still held, or Long.MAX_VALUE. Caller holds the lock. */
    long minTime() {
        if (closed.length > 0) {
            return closedMin(0);
        }
        return hasOpenChunk() ? openMinT : Long.MAX_VALUE;
    }

    private boolean hasOpenChunk() {
        return hasChunk() || resumeBytes != null;
    }

    boolean hasSamples() {
        return closed.length > 0 || hasOpenChunk();
    }

    void setPendingCommit(boolean pending) {
        pendingCommit = pending;
    }

    boolean pendingCommit() {
        return pendingCommit;
    }

    /** Number of completed chunks (in the chunk store). Caller holds the lock. */
    int closedCount() {
        return closedN();
    }

    /** Number of chunks held, open one included. Caller holds the lock. */
    int chunkCount() {
        return closedN() + (hasOpenChunk() ? 1 : 0);
    }

    /**
     * Copies the chunks overlapping [mint, maxt] into {@code out}: the closed ones by reference (they
     * never change), the open one as a copy of its bytes now, so readers never race the appender.
     * Caller holds the lock.
     */
    void chunksOverlapping(long mint, long maxt, ChunkList out, ChunkStore store) {
        int nc = closedN();
        for (int i = 0; i < nc; i++) {
            if (closedMax(i) >= mint && closedMin(i) <= maxt) {
                out.add(store.read(closedRef(i)), closedMin(i), closedMax(i));
            }
        }
        if (hasOpenChunk() && lastT >= mint && openMinT <= maxt) {
            // resumeBytes is never written: resuming copies it
            out.add(resumeBytes != null ? resumeBytes : toByteArray(), openMinT, lastT);
        }
    }

    /**
     * Drops chunks whose newest sample is before {@code mint}, the open one included (the series
     * then has no open chunk and starts a fresh one on its next sample). Caller holds the lock.
     *
     * @return the number of chunks dropped
     */
    int truncateBefore(long mint, ChunkStore store) {
        int drop = 0;
        int nc = closedN();
        while (drop < nc && closedMax(drop) < mint) {
            if (store != null) {
                store.release(closedRef(drop));
            }
            drop++;
        }
        if (drop > 0) {
            closed = drop == nc ? NO_CHUNKS : Arrays.copyOfRange(closed, 3 * drop, closed.length);
        }
        if (hasOpenChunk() && lastT < mint) {
            dropChunk();
            resumeBytes = null;
            drop++;
            // lastT and lastVBits stay: a later sample must still be newer than what was cut into a block
        }
        return drop;
    }

    /**
     * Restores the completed chunks found on disk for this series at start-up (before any sample):
     * the chunks of {@code found} from {@code first} on, in order, that end at or after
     * {@code minValid}. The run stops at the first chunk that does not start after the previous
     * one's end — a copy re-cut by an earlier replay — so the chunks kept have no hole; the WAL
     * replay re-creates what follows. The series' max time becomes the last chunk's, so the replay
     * skips the WAL samples they hold. Caller holds the lock.
     *
     * @return the number of chunks attached
     */
    int attachMmapped(MmappedChunks found, int first, long minValid) {
        int n = 0;
        long[] chunks = new long[12];
        long prevMax = Long.MIN_VALUE;
        for (int i = first; i >= 0; i = found.next(i)) {
            long mint = found.mint(i);
            long maxt = found.maxt(i);
            if (maxt < minValid) {
                continue;
            }
            if (mint > maxt || (n > 0 && mint <= prevMax)) {
                break;
            }
            if (3 * n == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[3 * n] = found.ref(i);
            chunks[3 * n + 1] = mint;
            chunks[3 * n + 2] = maxt;
            prevMax = maxt;
            n++;
        }
        if (n > 0) {
            closed = Arrays.copyOf(chunks, 3 * n);
            lastT = prevMax;
            lastValueUnknown = true;
        }
        return n;
    }

    /**
     * Whether every completed chunk this series restored from a head snapshot is among what
     * {@code chunks_head/} holds for it. Not necessarily as a consecutive run: a start from an older
     * snapshot re-cuts, from the WAL, chunks that were already written after that snapshot, so the
     * files may hold a series' chunk twice, the older copy between chunks a newer snapshot names.
     * Caller holds the lock.
     */
    boolean closedChunksIn(MmappedChunks found) {
        if (closed.length == 0) {
            return true;
        }
        int first = found.first(id);
        int nc = closedN();
        for (int k = 0; k < nc; k++) {
            if (!found.holds(first, closedRef(k))) {
                return false;
            }
        }
        return true;
    }

    /**
     * After this series was loaded from a head snapshot: attaches the full chunks {@code chunks_head/}
     * holds for it that were cut after the snapshot was written, so the WAL replay skips their samples
     * instead of encoding them again. Those are the chunks after the last one the snapshot names, in
     * file order (the order they were cut in); the first is the snapshot's open chunk grown and cut
     * (same start, at least its samples), which is then dropped. Stops at the first chunk that does
     * not follow on. A series without samples in the snapshot takes its chunks from the first, as
     * a series first created by a WAL replay does ({@link #attachMmapped}). Caller holds the lock.
     *
     * @return the max time of the chunks attached, or Long.MIN_VALUE when none were
     */
    long attachMmappedAfterSnapshot(MmappedChunks found) {
        int i = found.first(id);
        int nc = closedN();
        if (nc > 0) {
            long lastRef = closedRef(nc - 1);
            while (i >= 0 && found.ref(i) != lastRef) {
                i = found.next(i);
            }
            if (i < 0) {
                return Long.MIN_VALUE;
            }
            i = found.next(i);
        }
        boolean open = hasOpenChunk();
        long newest = lastT;
        long prevMax = nc > 0 ? closedMax(nc - 1) : Long.MIN_VALUE;
        // older chunks of the series may sit before (a truncation keeps a file while any chunk in it is newer)
        while (i >= 0 && (open ? found.mint(i) < openMinT : found.mint(i) <= prevMax)) {
            i = found.next(i);
        }
        int n = 0;
        long[] chunks = new long[12];
        for (; i >= 0; i = found.next(i)) {
            long mint = found.mint(i);
            long maxt = found.maxt(i);
            if (mint > maxt || mint <= prevMax || (n == 0 && open && (mint != openMinT || maxt < newest))
                    || (n == 0 && !open && maxt <= newest)) {
                break;
            }
            if (3 * n == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunks.length * 2);
            }
            chunks[3 * n] = found.ref(i);
            chunks[3 * n + 1] = mint;
            chunks[3 * n + 2] = maxt;
            prevMax = maxt;
            n++;
        }
        if (n == 0) {
            return Long.MIN_VALUE;
        }
        int k = closed.length;
        closed = Arrays.copyOf(closed, k + 3 * n);
        System.arraycopy(chunks, 0, closed, k, 3 * n);
        dropChunk();
        resumeBytes = null;
        lastT = prevMax;
        lastValueUnknown = true;
        return prevMax;
    }

    /** Reads the last value from the last completed chunk if a restore left it unknown. Caller holds the lock. */
    void resolveLastValue(ChunkStore store) {
        if (!lastValueUnknown || closed.length == 0) {
            return;
        }
        byte[] b = store.read(closedRef(closedN() - 1));
        XorIterator it = new XorIterator();
        it.reset(b, 0, b.length);
        while (it.next()) {
            lastVBits = it.atVBits();
        }
        lastValueUnknown = false;
    }

    boolean lastValueUnknown() {
        return lastValueUnknown;
    }

    /**
     * Writes this series as one entry of a head snapshot ({@link HeadSnapshot} describes the
     * layout). Caller holds the lock.
     */
    void encode(ByteWriter w) {
        w.putUvarint(id);
        w.putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            w.putUvarintString(labels.name(i));
            w.putUvarintString(labels.value(i));
        }
        encodeState(w);
    }

    /**
     * The part of a snapshot entry after id and labels: newest sample, chunk bounds, full chunk
     * references and the open chunk (a version 3 snapshot writes the labels as symbol references).
     * Caller holds the lock.
     */
    void encodeState(ByteWriter w) {
        w.putVarint(lastT);
        w.putBE64(lastVBits);
        w.putVarint(nextAt);
        w.putVarint(openMinT);
        int nc = closedN();
        w.putUvarint(nc);
        for (int i = 0; i < nc; i++) {
            w.putVarint(closedMin(i));
            w.putVarint(closedMax(i));
            w.putBE64(closedRef(i));
        }
        if (resumeBytes != null) {
            w.putUvarint(resumeBytes.length);
            w.putBytes(resumeBytes);
        } else if (hasChunk()) {
            w.putUvarint(length());
            w.putBytes(array(), 0, length());
        } else {
            w.putUvarint(0);
        }
    }

    /** Reads one entry written by {@link #encode}, interning its label strings in {@code symbols}. */
    static MemSeries decode(ByteReader r, SymbolTable symbols) {
        long id = r.getUvarint();
        int n = r.getUvarintInt();
        if (n <= 0 || n > 10_000) {
            throw r.corrupt("series " + id + " has " + n + " labels");
        }
        String[] kv = new String[2 * n];
        for (int i = 0; i < kv.length; i++) {
            kv[i] = symbols.intern(r.getUvarintString());
        }
        return decodeState(id, Labels.ofSorted(kv), r);
    }

    /** Reads what {@link #encodeState} wrote into a new series with this id and labels. */
    static MemSeries decodeState(long id, Labels labels, ByteReader r) {
        MemSeries s = new MemSeries(id, labels);
        s.lastT = r.getVarint();
        s.lastVBits = r.getBE64();
        s.nextAt = r.getVarint();
        s.openMinT = r.getVarint();
        int nc = r.getUvarintInt();
        if (nc < 0 || nc > r.remaining()) {
            throw r.corrupt("series " + id + " claims " + nc + " closed chunks");
        }
        if (nc > 0) {
            s.closed = new long[3 * nc];
            for (int i = 0; i < nc; i++) {
                s.closed[3 * i + 1] = r.getVarint();
                s.closed[3 * i + 2] = r.getVarint();
                s.closed[3 * i] = r.getBE64();
            }
        }
        int openLen = r.getUvarintInt();
        if (openLen > 0) {
            r.position(r.position() - ByteWriter.uvarintSize(openLen));
            s.resumeBytes = chunkBytes(r, id);
        }
        return s;
    }

    private static byte[] chunkBytes(ByteReader r, long id) {
        int len = r.getUvarintInt();
        if (len < 2 || len > r.remaining()) {
            throw r.corrupt("series " + id + " has a chunk of " + len + " bytes with " + r.remaining() + " left");
        }
        return r.getBytes(len);
    }
}
