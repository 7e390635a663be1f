package dev.cairn.agent.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.xerial.snappy.Snappy;

/**
 * Builds one remote-write 1.0 request body (a {@code prometheus.WriteRequest}, snappy block
 * compressed) from slices of {@link Item}s, writing the protobuf by hand into reused buffers: the
 * labels are copied from the queue record as they are, samples become {@code Sample{double value = 1;
 * int64 timestamp = 2}} messages. One per shard; not thread-safe.
 */
final class BatchEncoder {
    private byte[] raw = new byte[64 << 10];
    private byte[] compressed = new byte[Snappy.maxCompressedLength(64 << 10)];
    private int compressedLen;
    /** Payload size of each entry's TimeSeries message, from the sizing pass. */
    private int[] seriesSizes = new int[512];

    /** Encodes entries {@code [0, n)}: item {@code items[k]}, samples {@code from[k]} to {@code to[k]}. */
    void encode(Item[] items, int[] from, int[] to, int n) {
        if (seriesSizes.length < n) {
            seriesSizes = new int[Math.max(n, seriesSizes.length * 2)];
        }
        int size = 0;
        for (int k = 0; k < n; k++) {
            int s = seriesSize(items[k], from[k], to[k]);
            seriesSizes[k] = s;
            size += Proto.fieldSize(s);
        }
        if (raw.length < size) {
            raw = new byte[Math.max(size, raw.length * 2)];
        }
        int p = 0;
        for (int k = 0; k < n; k++) {
            Item it = items[k];
            p = Proto.putBytesHeader(raw, p, 1, seriesSizes[k]);
            System.arraycopy(it.rec, it.labelsOff, raw, p, it.labelsLen);
            p += it.labelsLen;
            for (int i = from[k]; i < to[k]; i++) {
                long ts = it.timestamp(i);
                long bits = it.valueBits(i);
                p = Proto.putBytesHeader(raw, p, 2, sampleSize(ts));
                raw[p++] = 0x09; // field 1, fixed64: the value, little-endian
                for (int s = 0; s < 64; s += 8) {
                    raw[p++] = (byte) (bits >>> s);
                }
                raw[p++] = 0x10; // field 2, varint: the timestamp
                p = Proto.putVarint(raw, p, ts);
            }
        }
        int max = Snappy.maxCompressedLength(p);
        if (compressed.length < max) {
            compressed = new byte[Math.max(max, compressed.length * 2)];
        }
        try {
            compressedLen = Snappy.compress(raw, 0, p, compressed, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("snappy could not compress a " + p + "-byte remote-write body", e);
        }
    }

    byte[] body() {
        return compressed;
    }

    int bodyLength() {
        return compressedLen;
    }

    private static int seriesSize(Item it, int from, int to) {
        int size = it.labelsLen;
        for (int i = from; i < to; i++) {
            size += Proto.fieldSize(sampleSize(it.timestamp(i)));
        }
        return size;
    }

    private static int sampleSize(long ts) {
        return 1 + 8 + 1 + Proto.varintSize(ts);
    }
}
