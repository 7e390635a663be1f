package dev.cairn.tsdb.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Buffered, position-tracking writes to one file, with back-patching of fields whose value is
 * known only after what follows them (section lengths, the symbol count). Writes go through one
 * fixed buffer so the index streams to disk whatever its size.
 */
final class FileOutput implements Closeable {
    private final Path path;
    private final FileChannel ch;
    private final ByteBuffer buf;
    private long pos;

    FileOutput(Path path, int bufferSize) throws IOException {
        this.path = path;
        this.ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.buf = ByteBuffer.allocate(bufferSize);
    }

    Path path() {
        return path;
    }

    /** Bytes written so far, buffered or not: the offset the next byte lands at. */
    long position() {
        return pos;
    }

    void write(byte[] b, int off, int n) throws IOException {
        while (n > 0) {
            if (!buf.hasRemaining()) {
                flush();
            }
            int k = Math.min(n, buf.remaining());
            buf.put(b, off, k);
            off += k;
            n -= k;
            pos += k;
        }
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    void writeBE32(int v) throws IOException {
        write(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    /** Zero bytes up to the next multiple of {@code align}; readers skip them. */
    void pad(int align) throws IOException {
        int p = (int) (pos % align);
        if (p != 0) {
            write(new byte[align - p]);
        }
    }

    /** Overwrites already-written bytes at {@code at}. */
    void writeAt(long at, byte[] b) throws IOException {
        if (at + b.length > pos) {
            throw new IllegalStateException("patch at " + at + " past the written end " + pos);
        }
        flush();
        ByteBuffer src = ByteBuffer.wrap(b);
        long p = at;
        while (src.hasRemaining()) {
            p += ch.write(src, p);
        }
    }

    /** CRC32C of the written bytes {@code [from, to)}, read back from the file. */
    int crc32c(long from, long to) throws IOException {
        flush();
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        long p = from;
        while (p < to) {
            b.clear().limit((int) Math.min(b.capacity(), to - p));
            int n = ch.read(b, p);
            if (n < 0) {
                throw new IOException(path + ": unexpected end of file while checksumming at " + p);
            }
            b.flip();
            crc.update(b);
            p += n;
        }
        return (int) crc.getValue();
    }

    void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    /** Flushes and fsyncs: when this returns the bytes are durable. */
    void sync() throws IOException {
        flush();
        ch.force(true);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
