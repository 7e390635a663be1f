package dev.cairn.tsdb.block;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The {@code tombstones} file of a block (Prometheus tsdb/docs/format/tombstones.md):
 * <pre>
 * magic 0x0130BA30 (4 bytes BE) | version 1 (1 byte) | stones ... | CRC32C (4 bytes BE)
 * stone: series ref (uvarint) | mint (varint) | maxt (varint)      one per interval
 * </pre>
 * The checksum covers the stones only (not magic, not version byte), as Prometheus computes it.
 * A block without deletions still has the file: 9 bytes, magic, version and the CRC of nothing.
 * A missing file reads as no tombstones, as in Prometheus.
 */
public final class TombstonesFile {
    public static final String FILENAME = "tombstones";
    public static final int MAGIC = 0x0130BA30;
    public static final int VERSION_1 = 1;

    private TombstonesFile() {
    }

    /** The file's bytes for {@code t}, stones in increasing series ref order. */
    public static byte[] encode(Tombstones t) {
        ByteWriter w = new ByteWriter(64);
        w.putBE32(MAGIC);
        w.putByte(VERSION_1);
        int stonesStart = w.length();
        t.forEach((ref, iv) -> {
            for (int i = 0; i < iv.length; i += 2) {
                w.putUvarint(ref);
                w.putVarint(iv[i]);
                w.putVarint(iv[i + 1]);
            }
        });
        w.putBE32(w.crc32c(stonesStart));
        return w.toByteArray();
    }

    /** Parses the file's bytes; {@code file} names it in errors. */
    public static Tombstones decode(byte[] bytes, String file) {
        ByteReader r = ByteReader.of(bytes, file);
        if (bytes.length < 9) {
            throw new CorruptionException(file, 0, "tombstones file of " + bytes.length + " bytes is shorter than"
                    + " its 9-byte minimum (magic, version, checksum)");
        }
        int magic = r.getBE32();
        if (magic != MAGIC) {
            throw new CorruptionException(file, 0, String.format("bad tombstones magic %08x, want %08x", magic, MAGIC));
        }
        int version = r.getByte();
        if (version != VERSION_1) {
            throw new CorruptionException(file, 4, "unknown tombstones format version " + version + ", want 1");
        }
        int end = bytes.length - 4;
        int want = ByteReader.of(bytes, file).slice(end, 4).getBE32();
        int got = r.crc32c(5, end - 5);
        if (want != got) {
            throw new CorruptionException(file, end, String.format("tombstones checksum %08x does not match"
                    + " the stones' CRC32C %08x", want, got));
        }
        ByteReader stones = r.slice(5, end - 5);
        Tombstones.Builder b = Tombstones.builder();
        while (stones.remaining() > 0) {
            int at = stones.position();
            long ref = stones.getUvarint();
            long mint = stones.getVarint();
            long maxt = stones.getVarint();
            if (maxt < mint) {
                throw new CorruptionException(file, 5 + at, "tombstone of series " + ref + " has maxt " + maxt
                        + " before mint " + mint);
            }
            b.add(ref, mint, maxt);
        }
        return b.build();
    }

    /** Reads {@code dir/tombstones}; a missing file is no tombstones. */
    public static Tombstones read(Path dir) throws IOException {
        Path file = dir.resolve(FILENAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Tombstones.EMPTY;
        }
        return decode(bytes, file.toString());
    }

    /** Writes {@code dir/tombstones} atomically (tmp, fsync, rename, fsync of {@code dir}). */
    public static void write(Path dir, Tombstones t) throws IOException {
        DurableFiles.writeAtomically(dir.resolve(FILENAME), encode(t));
    }
}
