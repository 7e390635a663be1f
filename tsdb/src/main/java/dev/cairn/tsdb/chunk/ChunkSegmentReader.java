package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads chunks by reference from a block's {@code chunks/} directory, each segment file memory-mapped
 * read-only.
 *
 * <p>{@link #open} checks that the segments are numbered {@code 000001} upwards without gaps and that
 * each starts with the magic number and version 1; {@link #chunk} checks bounds and the CRC32C of the
 * chunk it returns. Every failure is a {@link CorruptionException} naming the file and byte offset.
 * The returned chunks own copies of their bytes and stay valid after {@link #close()}.
 *
 * <p>Thread-safe for concurrent {@link #chunk} calls. Java cannot unmap a buffer on demand: after
 * {@link #close()} the mappings are dropped and the OS releases them once the buffers are collected.
 */
public final class ChunkSegmentReader implements Closeable {
    private final Path dir;
    private final String[] names;
    private volatile ByteBuffer[] segments;
    private final long size;

    private ChunkSegmentReader(Path dir, String[] names, ByteBuffer[] segments, long size) {
        this.dir = dir;
        this.names = names;
        this.segments = segments;
        this.size = size;
    }

    /**
     * Maps every segment file of {@code dir}. A directory with no segment files is valid (a block
     * without samples); then every {@link #chunk} call fails.
     *
     * @throws NoSuchFileException if {@code dir} does not exist
     * @throws CorruptionException for a missing (gap in numbering), empty or foreign segment file
     */
    public static ChunkSegmentReader open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "chunk directory does not exist; the block is incomplete");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        List<Long> seqs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                long seq = ChunkSegments.parseSeq(p.getFileName().toString());
                if (seq >= 0) {
                    seqs.add(seq);
                }
            });
        }
        seqs.sort(null);
        String[] names = new String[seqs.size()];
        for (int i = 0; i < names.length; i++) {
            long want = i + 1;
            if (seqs.get(i) != want) {
                throw new CorruptionException(ChunkSegments.file(dir, want).toString(), -1,
                    "segment file " + ChunkSegments.fileName(want) + " is missing (found " + describe(seqs)
                        + "); chunk references count segments from 000001 without gaps, so this block cannot be read");
            }
            names[i] = ChunkSegments.file(dir, want).toString();
        }
        ByteBuffer[] maps = new ByteBuffer[names.length];
        long total = 0;
        for (int i = 0; i < names.length; i++) {
            maps[i] = mapSegment(Path.of(names[i]));
            total += maps[i].limit();
        }
        return new ChunkSegmentReader(dir, names, maps, total);
    }

    private static String describe(List<Long> seqs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < seqs.size() && i < 5; i++) {
            sb.append(i == 0 ? "" : ", ").append(ChunkSegments.fileName(seqs.get(i)));
        }
        if (seqs.size() > 5) {
            sb.append(", … (").append(seqs.size()).append(" files)");
        }
        return sb.toString();
    }

    private static MappedByteBuffer mapSegment(Path p) throws IOException {
        String name = p.toString();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long len = ch.size();
            if (len == 0) {
                throw new CorruptionException(name, 0, "segment file is empty (0 bytes), expected at least the "
                    + ChunkSegments.HEADER_SIZE + "-byte header; the block was not written completely");
            }
            if (len < ChunkSegments.HEADER_SIZE) {
                throw new CorruptionException(name, len, "segment file is truncated: " + len
                    + " bytes, shorter than the " + ChunkSegments.HEADER_SIZE + "-byte header");
            }
            if (len > Integer.MAX_VALUE) {
                throw new CorruptionException(name, Integer.MAX_VALUE, "segment file of " + len
                    + " bytes is larger than any chunk segment can be (offsets are 32-bit, Prometheus cuts at 512 MiB)");
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, len);
            int magic = m.getInt(0);
            if (magic != ChunkSegments.MAGIC) {
                throw new CorruptionException(name, 0, String.format(
                    "bad magic number 0x%08X, expected 0x%08X: not a chunk segment file", magic, ChunkSegments.MAGIC));
            }
            int version = m.get(4) & 0xFF;
            if (version != ChunkSegments.VERSION) {
                throw new CorruptionException(name, 4, "unsupported chunk segment format version " + version
                    + ", expected " + ChunkSegments.VERSION);
            }
            return m;
        }
    }

    /** The chunks directory. */
    public Path dir() {
        return dir;
    }

    /** Number of segment files. */
    public int segmentCount() {
        return names.length;
    }

    /** Total bytes of all segment files. */
    public long size() {
        return size;
    }

    /**
     * The chunk at {@code ref}, its CRC verified and its bytes copied out of the mapping.
     *
     * @throws CorruptionException if the reference points outside the segments, the chunk runs past the
     *     end of its file, its checksum does not match, or its encoding byte is unknown
     * @throws UnsupportedOperationException for native histogram chunks, which Cairn does not decode yet
     *     (Thanos aggregate chunks, encoding 0xff, come back as {@link OpaqueChunk}s)
     * @throws IllegalStateException after {@link #close()}
     */
    public Chunk chunk(long ref) {
        ByteBuffer[] segs = segments;
        if (segs == null) {
            throw new IllegalStateException("chunk reader for " + dir + " is closed");
        }
        long index = ref >>> 32;
        long offset = ref & 0xFFFFFFFFL;
        if (index >= segs.length) {
            throw new CorruptionException(ChunkSegments.file(dir, index + 1).toString(), offset,
                "chunk reference 0x" + Long.toHexString(ref) + " points into segment file "
                    + ChunkSegments.fileName(index + 1) + ", which does not exist (the directory has "
                    + segs.length + " segment files)");
        }
        String name = names[(int) index];
        ByteBuffer seg = segs[(int) index];
        if (offset < ChunkSegments.HEADER_SIZE || offset >= seg.limit()) {
            throw new CorruptionException(name, offset, "chunk reference 0x" + Long.toHexString(ref)
                + " points outside the chunks of this " + seg.limit() + "-byte segment");
        }
        ByteReader r = new ByteReader(seg, name, 0);
        r.position((int) offset);
        int len;
        int encCode;
        try {
            len = r.getUvarintInt();
            encCode = r.getByte();
        } catch (CorruptionException e) {
            throw new CorruptionException(name, offset, "cannot read the chunk's length and encoding, the file is truncated"
                + " or the reference is wrong (" + e.getMessage() + ")", e);
        }
        if (r.remaining() < (long) len + ChunkSegments.CRC_SIZE) {
            throw new CorruptionException(name, offset, "chunk of " + len + " data bytes and its checksum need "
                + (len + ChunkSegments.CRC_SIZE) + " bytes but the segment has " + r.remaining()
                + " left: the file is truncated");
        }
        int encPos = r.position() - 1;
        int dataPos = r.position();
        int stored = seg.getInt(dataPos + len);
        int computed = r.crc32c(encPos, len + 1);
        if (stored != computed) {
            throw new CorruptionException(name, offset, String.format(
                "chunk checksum mismatch: stored CRC32C 0x%08X, computed 0x%08X over %d bytes",
                stored, computed, len + 1));
        }
        ChunkEncoding enc = ChunkEncoding.of(encCode);
        if (enc == null) {
            throw new CorruptionException(name, encPos, "unknown chunk encoding " + encCode);
        }
        if (enc == ChunkEncoding.AGGR) {
            byte[] data = new byte[len];
            seg.get(dataPos, data, 0, len);
            return new OpaqueChunk(enc, data, name, dataPos);
        }
        if (enc != ChunkEncoding.XOR) {
            throw new UnsupportedOperationException(name + " at offset " + offset + ": " + enc
                + " chunks (native histograms) are not supported by Cairn yet");
        }
        byte[] data = new byte[len];
        seg.get(dataPos, data, 0, len);
        return XorChunk.wrap(data, 0, len, name, dataPos);
    }

    @Override
    public void close() {
        segments = null;
    }
}
