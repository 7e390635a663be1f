package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkEncoding;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.OpaqueChunk;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.ByteArrayOutputStream;

/**
 * Thanos's aggregate chunk (pkg/compact/downsample/aggr.go), stored with chunk encoding 0xff. Its
 * data is five entries, one per {@link AggrType} in order:
 *
 * <pre>
 * ┌──────────────────┬───────────────────┬──────────────┐
 * │ len &lt;uvarint&gt;    │ encoding &lt;1 byte&gt; │ data &lt;len&gt;   │   × 5 (count, sum, min, max, counter)
 * └──────────────────┴───────────────────┴──────────────┘
 * an absent aggregate is the single byte len = 0, with no encoding byte and no data
 * </pre>
 *
 * Cairn writes float aggregates only, each an XOR chunk (encoding 1); native histogram aggregates are
 * rejected as unsupported. Parsing is done once, in the constructor; sub-chunks share the array.
 */
public final class AggrChunk implements Chunk {
    private final byte[] data;
    private final String origin;
    private final long originOffset;
    /** Per aggregate: offset of the sub-chunk's data in {@link #data}, or -1 when absent. */
    private final int[] offsets = new int[AggrType.ALL.length];
    private final int[] lengths = new int[AggrType.ALL.length];

    private AggrChunk(byte[] data, String origin, long originOffset) {
        this.data = data;
        this.origin = origin;
        this.originOffset = originOffset;
        parse();
    }

    /** Wraps aggregate chunk data, e.g. as read from a segment file ({@link OpaqueChunk#bytes()}). */
    public static AggrChunk wrap(byte[] data, String origin, long originOffset) {
        return new AggrChunk(data, origin, originOffset);
    }

    /**
     * The aggregate chunk a segment reader returned.
     *
     * @throws IllegalArgumentException when {@code c} is not an aggregate chunk (a raw block's XOR chunk)
     */
    public static AggrChunk of(Chunk c) {
        if (c instanceof AggrChunk a) {
            return a;
        }
        if (c.encoding() != ChunkEncoding.AGGR) {
            throw new IllegalArgumentException("expected a Thanos aggregate chunk (encoding 0xff) of a downsampled block, got "
                + c.encoding() + "; is the block raw (resolution 0)?");
        }
        byte[] b = c.length() == c.bytes().length ? c.bytes() : java.util.Arrays.copyOf(c.bytes(), c.length());
        if (c instanceof OpaqueChunk o) {
            return new AggrChunk(b, o.origin(), o.originOffset());
        }
        return new AggrChunk(b, "aggregate chunk", 0);
    }

    /**
     * Encodes five sub-chunks, indexed by {@link AggrType#ordinal()}; a null entry is an absent aggregate.
     */
    public static AggrChunk encode(XorChunk[] chunks) {
        if (chunks.length != AggrType.ALL.length) {
            throw new IllegalArgumentException("an aggregate chunk has " + AggrType.ALL.length + " entries, got " + chunks.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (XorChunk c : chunks) {
            if (c == null) {
                out.write(0);
                continue;
            }
            long len = c.length();
            while ((len & ~0x7FL) != 0) {
                out.write((int) ((len & 0x7F) | 0x80));
                len >>>= 7;
            }
            out.write((int) len);
            out.write(ChunkEncoding.XOR.code());
            out.write(c.bytes(), 0, c.length());
        }
        return new AggrChunk(out.toByteArray(), "encoded aggregate chunk", 0);
    }

    private void parse() {
        int pos = 0;
        for (AggrType t : AggrType.ALL) {
            if (pos >= data.length) {
                throw corrupt(pos, "aggregate chunk ends before its " + t.name().toLowerCase() + " entry");
            }
            long len = 0;
            int shift = 0;
            int b;
            do {
                if (pos >= data.length || shift > 35) {
                    throw corrupt(pos, "bad length of the " + t.name().toLowerCase() + " entry");
                }
                b = data[pos++] & 0xFF;
                len |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (len == 0) {
                offsets[t.ordinal()] = -1;
                continue;
            }
            if (data.length - pos < len + 1) {
                throw corrupt(pos, "the " + t.name().toLowerCase() + " entry of " + len
                    + " bytes runs past the end of the " + data.length + "-byte aggregate chunk");
            }
            int enc = data[pos] & 0xFF;
            if (enc != ChunkEncoding.XOR.code()) {
                ChunkEncoding e = ChunkEncoding.of(enc);
                if (e == ChunkEncoding.HISTOGRAM || e == ChunkEncoding.FLOAT_HISTOGRAM) {
                    throw new UnsupportedOperationException(origin + " at offset " + (originOffset + pos)
                        + ": native histogram aggregates are not supported by Cairn yet");
                }
                throw corrupt(pos, "unknown encoding " + enc + " of the " + t.name().toLowerCase() + " entry");
            }
            offsets[t.ordinal()] = pos + 1;
            lengths[t.ordinal()] = (int) len;
            pos += 1 + (int) len;
        }
    }

    private CorruptionException corrupt(int pos, String what) {
        return new CorruptionException(origin, originOffset + pos, what);
    }

    /** True when the aggregate is stored. */
    public boolean has(AggrType t) {
        return offsets[t.ordinal()] >= 0;
    }

    /** The aggregate's XOR chunk, or null when it is absent. */
    public XorChunk get(AggrType t) {
        int off = offsets[t.ordinal()];
        if (off < 0) {
            return null;
        }
        return XorChunk.wrap(data, off, lengths[t.ordinal()], origin, originOffset + off);
    }

    @Override
    public ChunkEncoding encoding() {
        return ChunkEncoding.AGGR;
    }

    @Override
    public byte[] bytes() {
        return data;
    }

    @Override
    public int length() {
        return data.length;
    }

    /** As Thanos: the number of windows, i.e. the samples of the count aggregate (0 without one). */
    @Override
    public int numSamples() {
        XorChunk c = get(AggrType.COUNT);
        return c == null ? 0 : c.numSamples();
    }

    /** Averages (sum / count) per window: what a plain selector reads from downsampled data. */
    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        return new AverageIterator(iter(AggrType.COUNT), iter(AggrType.SUM));
    }

    /** An iterator over one aggregate; empty when it is absent. */
    public ChunkIterator iter(AggrType t) {
        XorChunk c = get(t);
        return c == null ? ChunkIterator.EMPTY : c.iterator(null);
    }

    @Override
    public String toString() {
        return "AggrChunk(" + data.length + " bytes, " + numSamples() + " windows)";
    }
}
