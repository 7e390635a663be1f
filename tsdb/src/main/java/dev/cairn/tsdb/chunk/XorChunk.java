package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.CorruptionException;

import java.util.Arrays;

/**
 * A chunk of float samples in Prometheus's XOR encoding (Gorilla, adapted to milliseconds), byte for
 * byte what {@code tsdb/chunkenc/xor.go} writes, so that chunks cross between Cairn and Prometheus
 * unchanged.
 *
 * <pre>
 * ┌─────────────────┬─────────────┬─────────────┬──────────────────┬──────────┬────────────┬──────────┬─────┬─────────┐
 * │ count &lt;uint16&gt; │ t0 &lt;varint&gt; │ v0 &lt;64 bit&gt; │ t1-t0 &lt;uvarint&gt; │ v1 &lt;xor&gt; │ t2 &lt;dod&gt;   │ v2 &lt;xor&gt; │ ... │ padding │
 * └─────────────────┴─────────────┴─────────────┴──────────────────┴──────────┴────────────┴──────────┴─────┴─────────┘
 * </pre>
 *
 * <p>Everything after the count is one bit stream (see {@link BitWriter}); the bit-level rules are
 * written out in {@link XorAppender} and in {@code docs/format/chunks.md}.
 *
 * <p>A chunk is either built by its {@link #appender()} or wraps bytes read from disk. Readers may
 * iterate while one appender appends (each iterator sees the samples present when it was made);
 * no other concurrent use is safe.
 */
public final class XorChunk implements Chunk {
    static final int HEADER_SIZE = 2;
    private static final int INITIAL_CAPACITY = 128;
    /** Prometheus cannot count past a uint16. */
    public static final int MAX_SAMPLES = 0xFFFF;

    private BitWriter stream;
    /** True while {@link #stream}'s array belongs to someone else and its free bits are unknown. */
    private boolean wrapped;
    private boolean appenderHandedOut;
    private final String origin;
    private final long originOffset;

    private XorChunk(BitWriter stream, boolean wrapped, String origin, long originOffset) {
        this.stream = stream;
        this.wrapped = wrapped;
        this.origin = origin;
        this.originOffset = originOffset;
    }

    /** An empty chunk to append to. */
    public XorChunk() {
        this(INITIAL_CAPACITY);
    }

    /**
     * An empty chunk to append to with room for {@code initialCapacity} bytes (header included)
     * before its array grows: a caller that knows how large its chunks come out saves the copies of
     * growing from the default.
     */
    public XorChunk(int initialCapacity) {
        this(new BitWriter(new byte[Math.max(HEADER_SIZE + 8, initialCapacity)], HEADER_SIZE, 0), false,
                "in-memory XOR chunk", 0);
    }

    /** Wraps chunk data (count header included), sharing the array when {@code off == 0}, copying otherwise. */
    public static XorChunk wrap(byte[] data, int off, int len) {
        return wrap(data, off, len, "XOR chunk", 0);
    }

    /**
     * As {@link #wrap(byte[], int, int)}, naming where the bytes came from ({@code origin}, and the
     * offset of {@code data[off]} there) in any {@link CorruptionException} that decoding raises.
     */
    public static XorChunk wrap(byte[] data, int off, int len, String origin, long originOffset) {
        if (off < 0 || len < 0 || off + len > data.length) {
            throw new IndexOutOfBoundsException("window [" + off + ", " + (off + len) + ") of " + data.length + " bytes");
        }
        if (len < HEADER_SIZE) {
            throw new CorruptionException(origin, originOffset, "XOR chunk of " + len
                + " bytes has no room for its 2-byte sample count");
        }
        byte[] bytes = off == 0 ? data : Arrays.copyOfRange(data, off, off + len);
        return new XorChunk(new BitWriter(bytes, len, 0), true, origin, originOffset);
    }

    @Override
    public ChunkEncoding encoding() {
        return ChunkEncoding.XOR;
    }

    @Override
    public byte[] bytes() {
        return stream.array();
    }

    @Override
    public int length() {
        return stream.length();
    }

    @Override
    public int numSamples() {
        byte[] b = stream.array();
        return ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    }

    /** A copy of exactly the chunk's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(stream.array(), stream.length());
    }

    String origin() {
        return origin;
    }

    long originOffset() {
        return originOffset;
    }

    BitWriter stream() {
        return stream;
    }

    @Override
    public XorIterator iterator(ChunkIterator reuse) {
        if (reuse instanceof XorIterator it) {
            it.reset(this);
            return it;
        }
        XorIterator it = new XorIterator();
        it.reset(this);
        return it;
    }

    /**
     * The appender that continues this chunk; at most one per chunk. For a chunk that wraps bytes,
     * the samples are decoded first to recover the encoder state (and the bytes are copied, never
     * written in place), as Prometheus does when it reopens a chunk for appending.
     *
     * @throws IllegalStateException if an appender was already handed out
     * @throws CorruptionException if wrapped bytes do not decode, or hold bytes after the last sample
     */
    public XorAppender appender() {
        if (appenderHandedOut) {
            throw new IllegalStateException("an appender was already handed out for this chunk; keep using that one");
        }
        XorAppender app;
        if (numSamples() == 0 && stream.length() == HEADER_SIZE) {
            if (wrapped) {
                stream = new BitWriter(Arrays.copyOf(stream.array(), INITIAL_CAPACITY), HEADER_SIZE, 0);
                wrapped = false;
            }
            app = XorAppender.fresh(this);
        } else {
            XorIterator it = iterator(null);
            while (it.next()) {
                // run to the end: the iterator's final state is the appender's start state
            }
            if (wrapped) {
                long bits = HEADER_SIZE * 8L + it.bitsRead();
                int len = stream.length();
                long free = (long) len * 8 - bits;
                // free == 8 is bstream's empty trailing byte after a whole-byte write
                if (free < 0 || free > 8 || (stream.array()[len - 1] & ((1 << free) - 1)) != 0) {
                    throw new CorruptionException(origin, originOffset + len - 1, "XOR chunk has "
                        + free + " bits after its last sample, or non-zero padding; cannot append to it");
                }
                stream = new BitWriter(Arrays.copyOf(stream.array(), Math.max(INITIAL_CAPACITY, len * 2)),
                    len, (int) free);
                wrapped = false;
            }
            app = XorAppender.resumed(this, it);
        }
        appenderHandedOut = true;
        return app;
    }

    @Override
    public String toString() {
        return "XorChunk{samples=" + numSamples() + ", bytes=" + length() + "}";
    }
}
