package dev.cairn.tsdb.block;

import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TombstonesFileTest {
    @Test
    void encode_empty_isMagicVersionAndZeroCrc() {
        // CRC32C of no bytes is 0; Prometheus writes exactly these 9 bytes for a block without deletions.
        assertArrayEquals(new byte[] {0x01, 0x30, (byte) 0xBA, 0x30, 0x01, 0, 0, 0, 0},
                TombstonesFile.encode(Tombstones.EMPTY));
    }

    @Test
    void encode_oneStone_layoutIsRefMintMaxtThenCrcOfStones() {
        byte[] b = TombstonesFile.encode(Tombstones.builder().add(3, -1, 2).build());
        // uvarint 3, zig-zag varint -1 = 1, varint 2 = 4
        assertArrayEquals(new byte[] {0x01, 0x30, (byte) 0xBA, 0x30, 0x01, 3, 1, 4}, java.util.Arrays.copyOf(b, 8));
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(new byte[] {3, 1, 4});
        assertEquals((int) c.getValue(), java.nio.ByteBuffer.wrap(b, 8, 4).getInt());
    }

    @Test
    void builder_overlappingAndTouchingIntervals_merge() {
        Tombstones t = Tombstones.builder().add(1, 10, 20).add(1, 30, 40).add(1, 21, 25).add(1, 0, 5)
                .add(2, 5, 5).add(2, Long.MIN_VALUE, 0).build();
        assertArrayEquals(new long[] {0, 5, 10, 25, 30, 40}, t.intervals(1));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, 5, 5}, t.intervals(2));
        assertEquals(5, t.total());
        assertTrue(Tombstones.isDeleted(t.intervals(1), 25));
        assertFalse(Tombstones.isDeleted(t.intervals(1), 26));
        assertNull(t.intervals(7));
        Tombstones all = Tombstones.builder().add(1, 10, 20).add(1, 0, Long.MAX_VALUE).build();
        assertArrayEquals(new long[] {0, Long.MAX_VALUE}, all.intervals(1));
    }

    @Test
    void writeRead_randomTombstones_roundTrip(@TempDir Path dir) throws Exception {
        Random r = new Random(7);
        for (int round = 0; round < 50; round++) {
            Tombstones.Builder b = Tombstones.builder();
            int n = r.nextInt(30);
            for (int i = 0; i < n; i++) {
                long mint = r.nextLong() % 1_000_000;
                b.add(r.nextInt(20) * 16L, mint, mint + r.nextInt(1000));
            }
            Tombstones t = b.build();
            TombstonesFile.write(dir, t);
            assertEquals(t, TombstonesFile.read(dir));
            assertFalse(Files.exists(dir.resolve("tombstones.tmp")));
        }
    }

    @Test
    void read_missingFile_isEmpty(@TempDir Path dir) throws Exception {
        assertTrue(TombstonesFile.read(dir).isEmpty());
    }

    @Test
    void read_damagedFile_namesFileAndProblem(@TempDir Path dir) throws Exception {
        byte[] good = TombstonesFile.encode(Tombstones.builder().add(16, 1, 2).build());
        Path f = dir.resolve("tombstones");

        byte[] flipped = good.clone();
        flipped[6] ^= 1;
        Files.write(f, flipped);
        CorruptionException e = assertThrows(CorruptionException.class, () -> TombstonesFile.read(dir));
        assertEquals(f.toString(), e.file());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());

        byte[] magic = good.clone();
        magic[0] = 9;
        Files.write(f, magic);
        assertTrue(assertThrows(CorruptionException.class, () -> TombstonesFile.read(dir)).getMessage().contains("magic"));

        Files.write(f, java.util.Arrays.copyOf(good, 5));
        assertTrue(assertThrows(CorruptionException.class, () -> TombstonesFile.read(dir)).getMessage().contains("shorter"));
    }
}
