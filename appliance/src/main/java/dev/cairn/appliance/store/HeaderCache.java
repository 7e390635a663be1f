package dev.cairn.appliance.store;

import dev.cairn.tsdb.index.IndexHeader;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/*
 * Index headers on local disk ({@code <data_dir>/cache/<ULID>.index-header}), so that a restarted
 * appliance does not fetch the header of every block it queries again: the byte ranges the header
 * was read from, as they came from the bucket, in one file checked by a CRC32C.
 *
 *   "CAIRNIH1" | block ULID <Java modified UTF-8> | count <4> | (offset <8>, length <4>, bytes <length>) × count | CRC32C of all before <4>
 *
 * Written to a temporary name and renamed, so a crash leaves the old file or none. A file that does
 * not check out is deleted and the ranges are fetched again; the file is a copy of bucket bytes, never
 * the only one, so losing it costs GETs, not data.
 */
final class HeaderCache {
    private static final System.Logger LOG = System.getLogger(HeaderCache.class.getName());
    private static final byte[] MAGIC = "CAIRNIH1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".index-header";

    private final Path dir;

    /** @param dir where the files go; null keeps headers in memory only */
    HeaderCache(Path dir) {
        this.dir = dir;
    }

    /** Reads of one header load: served from the block's file when there is one, else from {@code remote}. */
    final class Source implements IndexHeader.RangeSource {
        private final String block;
        private final IndexHeader.RangeSource remote;
        private final Map<Long, byte[]> local;
        private final Map<Long, byte[]> read = new LinkedHashMap<>();
        private boolean fetched;

        private Source(String block, IndexHeader.RangeSource remote, Map<Long, byte[]> local) {
            this.block = block;
            this.remote = remote;
            this.local = local;
        }

        @Override
        public byte[] read(long offset, int length) throws IOException {
            byte[] b = local.get(offset);
            if (b == null || b.length != length) {
                b = remote.read(offset, length);
                fetched = true;
            }
            read.put(offset, b);
            return b;
        }

        /** Whether every range came from the local file. */
        boolean fromDisk() {
            return !fetched && !read.isEmpty();
        }

        /** Keeps what was read for the next start, when it came from the bucket. */
        void persist() {
            if (dir != null && fetched) {
                write(block, read);
            }
        }
    }

    /** A source for loading the header of {@code block}. */
    Source source(String block, IndexHeader.RangeSource remote) {
        return new Source(block, remote, dir == null ? Map.of() : load(block));
    }

    /** Forgets a block's file (it left the bucket, or its file did not match the index). */
    void drop(String block) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(file(block));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "store: cannot delete cached index header {0}: {1}", file(block), e);
        }
    }

    private Path file(String block) {
        return dir.resolve(block + SUFFIX);
    }

    private Map<Long, byte[]> load(String block) {
        Path f = file(block);
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "store: cannot read cached index header {0}, fetching it again: {1}",
                    f, e);
            return Map.of();
        }
        try {
            if (all.length < MAGIC.length + 8 || !Arrays.equals(MAGIC, Arrays.copyOf(all, MAGIC.length))) {
                throw new IOException("not an index header cache file");
            }
            CRC32C crc = new CRC32C();
            crc.update(all, 0, all.length - 4);
            int want = java.nio.ByteBuffer.wrap(all, all.length - 4, 4).getInt();
            if ((int) crc.getValue() != want) {
                throw new IOException("checksum mismatch");
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, MAGIC.length,
                    all.length - MAGIC.length - 4));
            String owner = in.readUTF();
            if (!owner.equals(block)) {
                throw new IOException("it holds the header of block " + owner);
            }
            int n = in.readInt();
            Map<Long, byte[]> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                long off = in.readLong();
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                out.put(off, b);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "store: cached index header {0} is damaged ({1}); deleting it and"
                    + " fetching the header from the bucket", f, e.getMessage());
            drop(block);
            return Map.of();
        }
    }

    private void write(String block, Map<Long, byte[]> ranges) {
        Path f = file(block);
        Path tmp = dir.resolve(block + SUFFIX + ".tmp");
        try {
            Files.createDirectories(dir);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buf);
            out.write(MAGIC);
            out.writeUTF(block);
            out.writeInt(ranges.size());
            for (Map.Entry<Long, byte[]> e : ranges.entrySet()) {
                out.writeLong(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(buf.toByteArray());
            out.writeInt((int) crc.getValue());
            out.flush();
            Files.write(tmp, buf.toByteArray());
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // only a cost: the next start fetches the header again
            LOG.log(System.Logger.Level.WARNING, "store: cannot write index header cache {0}: {1}", f, e);
        }
    }

    /** Deletes files of blocks not in {@code live} (left the bucket while we were down). */
    void retain(java.util.Set<String> live) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) && !live.contains(name.substring(0, name.length() - SUFFIX.length()))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "store: cannot clean the index header cache {0}: {1}", dir, e);
        }
    }
}
