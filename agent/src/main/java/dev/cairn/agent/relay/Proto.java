package dev.cairn.agent.relay;

/** The few protobuf wire-format primitives the relay's encoders need (varints, length-delimited fields). */
final class Proto {
    private Proto() {
    }

    static int varintSize(long v) {
        // seven bits a byte: 1 for 0..127 ... 10 for negative values, without a loop
        return (70 - Long.numberOfLeadingZeros(v | 1)) / 7;
    }

    /** Size of a length-delimited field with a one-byte tag (field numbers below 16) and {@code len} bytes of payload. */
    static int fieldSize(int len) {
        return 1 + varintSize(len) + len;
    }

    static int putVarint(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /** Writes the tag and length of a length-delimited field; the caller writes the payload. */
    static int putBytesHeader(byte[] b, int p, int field, int len) {
        b[p++] = (byte) (field << 3 | 2);
        return putVarint(b, p, len);
    }
}
