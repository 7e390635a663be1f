package dev.cairn.storeapi.remoteread;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/** Writes streamed remote read frames (see the package doc). Not thread-safe. */
public final class ChunkedFrameWriter {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private final byte[] header = new byte[10 + 4];

    public ChunkedFrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes one frame holding {@code len} bytes of {@code message}; empty messages are not framed, as upstream. */
    public void write(byte[] message, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        int h = 0;
        long v = len;
        while (v >= 0x80) {
            header[h++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        header[h++] = (byte) v;
        crc.reset();
        crc.update(message, off, len);
        long c = crc.getValue();
        header[h++] = (byte) (c >>> 24);
        header[h++] = (byte) (c >>> 16);
        header[h++] = (byte) (c >>> 8);
        header[h++] = (byte) c;
        out.write(header, 0, h);
        out.write(message, off, len);
    }
}
