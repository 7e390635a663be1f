package dev.cairn.tsdb.wal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SnappyTest {
    private final Snappy snappy = new Snappy();

    private String decode(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        int n = snappy.decode(b, 0, b.length);
        return new String(snappy.buffer(), 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void decode_literalThenOverlappingOneByteOffsetCopy_repeatsPattern() {
        // length 7 | literal "ab" (tag (2-1)<<2) | copy len 5 off 2 (tag (5-4)<<2|1, offset byte 2)
        assertEquals("abababa", decode(7, 1 << 2, 'a', 'b', (1 << 2) | 1, 2));
    }

    @Test
    void decode_twoAndFourByteOffsetCopies_readLittleEndianOffsets() {
        // length 9 | literal "xyz" | copy len 3 off 3 (2-byte: tag (3-1)<<2|2, 03 00) | copy len 3 off 6 (4-byte)
        assertEquals("xyzxyzxyz", decode(9, 2 << 2, 'x', 'y', 'z', (2 << 2) | 2, 3, 0, (2 << 2) | 3, 6, 0, 0, 0));
    }

    @Test
    void decode_literalWithOneByteExtendedLength() {
        // 70-byte literal: tag 60<<2 then (70-1) in one byte
        int[] b = new int[1 + 2 + 70];
        b[0] = 70;
        b[1] = 60 << 2;
        b[2] = 69;
        Arrays.fill(b, 3, b.length, 'q');
        assertEquals("q".repeat(70), decode(b));
    }

    @Test
    void decode_copyBeforeStart_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> decode(5, 0, 'a', (0 << 2) | 1, 4));
    }

    @Test
    void decode_lengthDisagreesWithContent_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> decode(3, 0, 'a'));
        assertThrows(IllegalArgumentException.class, () -> decode(1, 1 << 2, 'a', 'b'));
    }

    @Test
    void decode_truncatedCopy_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> decode(4, 0, 'a', (1 << 2) | 2, 1));
    }
}
