package dev.cairn.storeapi.remoteread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedFrameTest {

    private static byte[] frames(List<byte[]> messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkedFrameWriter w = new ChunkedFrameWriter(out);
        for (byte[] m : messages) {
            w.write(m, 0, m.length);
        }
        return out.toByteArray();
    }

    @Test
    void frames_roundTrip_includingLengthsNeedingMultiByteVarints() throws IOException {
        Random r = new Random(3);
        List<byte[]> msgs = new ArrayList<>();
        for (int len : new int[] {1, 127, 128, 300, 16_383, 16_384, 70_000}) {
            byte[] m = new byte[len];
            r.nextBytes(m);
            msgs.add(m);
        }
        ChunkedFrameReader in = new ChunkedFrameReader(new ByteArrayInputStream(frames(msgs)), "test", 1 << 20);
        for (byte[] m : msgs) {
            int n = in.next();
            assertEquals(m.length, n);
            assertArrayEquals(m, Arrays.copyOf(in.buffer(), n));
        }
        assertEquals(-1, in.next());
    }

    @Test
    void frame_knownBytes_matchTheLayout() throws IOException {
        // "a": length 1, CRC32C("a") = 0xc1d04330 big-endian, then the byte
        byte[] got = frames(List.of(new byte[] {'a'}));
        assertArrayEquals(new byte[] {1, (byte) 0xc1, (byte) 0xd0, 0x43, 0x30, 'a'}, got);
    }

    @Test
    void damagedStreams_areReportedWithOffset() throws IOException {
        byte[] good = frames(List.of(new byte[] {1, 2, 3}, new byte[] {4, 5, 6}));
        byte[] flipped = good.clone();
        flipped[good.length - 1] ^= 1; // last byte of the second frame's message
        RemoteReadException crc = assertThrows(RemoteReadException.class, () -> readAll(flipped, 1 << 20));
        assertTrue(crc.getMessage().contains("frame at byte 8: checksum mismatch"), crc.getMessage());

        byte[] truncated = Arrays.copyOf(good, good.length - 2);
        RemoteReadException eof = assertThrows(RemoteReadException.class, () -> readAll(truncated, 1 << 20));
        assertTrue(eof.getMessage().contains("stream ends inside the frame's message"), eof.getMessage());

        RemoteReadException big = assertThrows(RemoteReadException.class, () -> readAll(good, 2));
        assertTrue(big.getMessage().contains("over the limit of 2 bytes"), big.getMessage());
    }

    @Test
    void randomBytes_neverCrashTheReader() {
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            try {
                readAll(junk, 1 << 16);
            } catch (RemoteReadException e) {
                // expected for almost all inputs
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("reader failed with " + e + " on input " + i, e);
            }
        }
    }

    private static int readAll(byte[] bytes, int max) throws IOException {
        ChunkedFrameReader in = new ChunkedFrameReader(new ByteArrayInputStream(bytes), "test", max);
        int frames = 0;
        while (in.next() >= 0) {
            frames++;
        }
        return frames;
    }
}
