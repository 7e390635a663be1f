package dev.cairn.storeapi.remoteread;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads the frames of a streamed remote read answer (see the package doc) from a stream, checking
 * each frame's length bound and CRC32C before handing it out. Reuses one buffer: a frame's bytes
 * are valid until the next call. Not thread-safe.
 */
public final class ChunkedFrameReader {
    /** Prometheus's own client default bound on a frame. */
    public static final int DEFAULT_MAX_FRAME = 50 << 20;

    private final InputStream in;
    private final String source;
    private final int maxFrame;
    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[64 << 10];
    private long offset;

    public ChunkedFrameReader(InputStream in, String source, int maxFrame) {
        this.in = in;
        this.source = source;
        this.maxFrame = maxFrame;
    }

    /** The buffer holding the last frame returned by {@link #next()}. */
    public byte[] buffer() {
        return buf;
    }

    /** Bytes consumed so far: where in the stream the next frame starts. */
    public long offset() {
        return offset;
    }

    /**
     * Reads the next frame into {@link #buffer()}.
     *
     * @return its length, or -1 at a clean end of stream (between frames)
     * @throws RemoteReadException on a frame over the bound, a truncated frame or a checksum mismatch
     */
    public int next() throws IOException {
        long start = offset;
        long len = 0;
        int shift = 0;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) {
                if (i == 0) {
                    return -1;
                }
                throw damaged(start, "stream ends inside a frame length");
            }
            offset++;
            if (i == 9 && b > 1) {
                throw damaged(start, "frame length varint overflows 64 bits");
            }
            len |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        if (len > maxFrame) {
            throw damaged(start, "frame of " + Long.toUnsignedString(len) + " bytes is over the limit of " + maxFrame
                    + " bytes (a damaged stream, or a server with a larger frame budget)");
        }
        int n = (int) len;
        byte[] sum = new byte[4];
        readFully(sum, 4, start, "checksum");
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2 > maxFrame ? n : buf.length * 2)];
        }
        readFully(buf, n, start, "message");
        crc.reset();
        crc.update(buf, 0, n);
        long want = ((sum[0] & 0xFFL) << 24) | ((sum[1] & 0xFFL) << 16) | ((sum[2] & 0xFFL) << 8) | (sum[3] & 0xFFL);
        if (crc.getValue() != want) {
            throw damaged(start, String.format("checksum mismatch: frame says %08x, message has %08x", want,
                    crc.getValue()));
        }
        return n;
    }

    private void readFully(byte[] into, int n, long frameStart, String what) throws IOException {
        int got = 0;
        while (got < n) {
            int r = in.read(into, got, n - got);
            if (r < 0) {
                throw damaged(frameStart, new EOFException("stream ends inside the frame's " + what + " after "
                        + got + " of " + n + " bytes").getMessage());
            }
            got += r;
            offset += r;
        }
    }

    private RemoteReadException damaged(long frameStart, String what) {
        return new RemoteReadException(source + ": remote read frame at byte " + frameStart + ": " + what);
    }
}
