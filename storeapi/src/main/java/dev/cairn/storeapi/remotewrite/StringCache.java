package dev.cairn.storeapi.remotewrite;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The label strings a remote-write connection has seen, by their UTF-8 bytes. A sender sends the
 * same few thousand names and values in every request (the series of one Prometheus change
 * slowly), so decoding hands out the same {@link String} instances again: no allocation and no
 * UTF-8 decoding for a string seen before, its hash code already cached, and — because the head's
 * symbol table keeps the first instance it is given — label comparisons against the head that
 * succeed on identity. Bounded: strings up to {@link #MAX_LENGTH} bytes, at most
 * {@link #CAPACITY} of them (when full it starts over), so a connection costs a few hundred KiB at
 * most. One per decoder; not thread-safe.
 */
final class StringCache {
    static final int CAPACITY = 2048;
    static final int MAX_LENGTH = 64;
    private static final int SLOTS = CAPACITY * 2; // load factor at most 1/2

    private byte[][] keys = new byte[SLOTS][];
    private String[] values = new String[SLOTS];
    private int size;

    /**
     * The string of {@code len} UTF-8 bytes at {@code off}, as protobuf's
     * {@code readStringRequireUtf8} gives it.
     *
     * @throws InvalidProtocolBufferException when the bytes are not valid UTF-8
     */
    String get(byte[] b, int off, int len) throws InvalidProtocolBufferException {
        if (len > MAX_LENGTH) {
            return decode(b, off, len);
        }
        int h = 0x811C9DC5 ^ len;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + b[i];
        }
        h ^= h >>> 15;
        int mask = SLOTS - 1;
        int i = h & mask;
        for (byte[] k; (k = keys[i]) != null; i = (i + 1) & mask) {
            if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return values[i];
            }
        }
        String s = decode(b, off, len);
        if (size == CAPACITY) {
            keys = new byte[SLOTS][];
            values = new String[SLOTS];
            size = 0;
            i = h & mask;
        }
        keys[i] = Arrays.copyOfRange(b, off, off + len);
        values[i] = s;
        size++;
        return s;
    }

    /** Strict: malformed UTF-8 (overlong forms, surrogates, truncated sequences) is refused, as protobuf refuses it. */
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    private String decode(byte[] b, int off, int len) throws InvalidProtocolBufferException {
        int i = off;
        while (i < off + len && b[i] >= 0) {
            i++;
        }
        if (i == off + len) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1); // ASCII
        }
        try {
            return utf8.reset().decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
    }
}
