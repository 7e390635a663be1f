package dev.cairn.storeapi.remotewrite;

import java.io.IOException;
import java.util.Locale;
import org.xerial.snappy.Snappy;

/**
 * From HTTP headers and body bytes to {@link DecodedWrite}: checks Content-Type and
 * Content-Encoding (415), bounds the decompressed size before allocating it (413), undoes snappy
 * block compression (the format Prometheus uses; not the framed/stream format) and decodes the
 * protobuf (400 on any damage). Not thread-safe (it reuses scratch buffers); one per channel.
 */
public final class RemoteWriteDecoder {
    /** Default bound on a decompressed body: Prometheus sends batches of a few MiB at most. */
    public static final int DEFAULT_MAX_DECOMPRESSED = 32 << 20;
    /** Scratch kept per decoder between requests; one huge request must not pin tens of MiB per connection. */
    private static final int DEFAULT_SCRATCH = 64 << 10;

    private final int maxDecompressed;
    private final WriteRequestDecoder v1;
    private final WriteV2Decoder v2 = new WriteV2Decoder();
    private byte[] scratch = new byte[DEFAULT_SCRATCH];

    public RemoteWriteDecoder(int maxDecompressed) {
        this.v1 = new WriteRequestDecoder();
        if (maxDecompressed <= 0) {
            throw new IllegalArgumentException("maxDecompressed must be positive, got " + maxDecompressed);
        }
        this.maxDecompressed = maxDecompressed;
    }

    public RemoteWriteDecoder() {
        this(DEFAULT_MAX_DECOMPRESSED);
    }

    /** Largest compressed body that can still decompress within the bound; a transport limit. */
    public int maxCompressed() {
        return Snappy.maxCompressedLength(maxDecompressed);
    }

    /** The version named by {@code contentType}, after checking {@code contentEncoding}; 415 otherwise. */
    public static RemoteWriteVersion negotiate(String contentType, String contentEncoding) throws RemoteWriteException {
        RemoteWriteVersion version = RemoteWriteVersion.fromContentType(contentType);
        // Prometheus assumes snappy when the header is missing; so do we.
        if (contentEncoding != null && !contentEncoding.isBlank()
                && !contentEncoding.trim().toLowerCase(Locale.ROOT).equals("snappy")) {
            throw new RemoteWriteException(415, contentEncoding
                    + " encoding (compression) is not accepted by this server; only snappy is acceptable");
        }
        return version;
    }

    /**
     * Decodes one request body.
     *
     * @param body snappy block-compressed protobuf, {@code len} bytes from {@code off}
     * @throws RemoteWriteException with the status to answer
     */
    public DecodedWrite decode(RemoteWriteVersion version, byte[] body, int off, int len) throws RemoteWriteException {
        int n = uncompress(body, off, len);
        return version == RemoteWriteVersion.V1 ? v1.decode(scratch, 0, n) : v2.decode(scratch, 0, n);
    }

    private int uncompress(byte[] body, int off, int len) throws RemoteWriteException {
        int n;
        try {
            n = Snappy.uncompressedLength(body, off, len);
        } catch (IOException | RuntimeException e) {
            throw new RemoteWriteException(400, "remote write body is not snappy block-compressed: cannot read "
                    + "the length header of a " + len + "-byte body (" + e.getMessage() + ")", e);
        }
        if (n < 0 || n > maxDecompressed) {
            throw new RemoteWriteException(413, "remote write body decompresses to " + Integer.toUnsignedString(n)
                    + " bytes, over this server's limit of " + maxDecompressed
                    + " bytes; lower queue_config.max_samples_per_send on the sender");
        }
        // No separate Snappy.isValidCompressedBuffer pass (a second walk over the body, about a third
        // of the decompression's cost): snappy's RawUncompress checks every copy and literal against
        // the input and the declared length itself and fails on damaged data, writing no further
        // than the declared length, which the scratch holds.
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, Math.min(maxDecompressed, scratch.length * 2))];
        }
        try {
            int got = Snappy.uncompress(body, off, len, scratch, 0);
            if (got != n) {
                throw new RemoteWriteException(400, "snappy body decompressed to " + got + " bytes, header said " + n);
            }
        } catch (IOException | RuntimeException e) {
            throw new RemoteWriteException(400, "remote write body is not valid snappy block-compressed data: "
                    + e.getMessage(), e);
        }
        if (scratch.length > 4 * DEFAULT_SCRATCH && n < DEFAULT_SCRATCH) {
            byte[] small = new byte[DEFAULT_SCRATCH];
            System.arraycopy(scratch, 0, small, 0, n);
            scratch = small;
        }
        return n;
    }
}
