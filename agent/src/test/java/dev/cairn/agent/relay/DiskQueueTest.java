package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {
    @TempDir
    Path dir;

    @Test
    void position_savedAndLoaded_survivesReopen() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1L << 30, new RelayMetrics())) {
            assertEquals(new QueuePosition(0, 0), q.loadPosition());
            q.savePosition(new QueuePosition(0, 4096));
        }
        try (DiskQueue q = DiskQueue.open(dir, 1L << 30, new RelayMetrics())) {
            assertEquals(new QueuePosition(0, 4096), q.loadPosition());
            assertTrue(Files.notExists(dir.resolve("position.tmp")));
        }
    }

    @Test
    void damagedPositionFile_isRefusedWithWhatToDo() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1L << 30, new RelayMetrics())) {
            q.savePosition(new QueuePosition(0, 4096));
            String text = Files.readString(dir.resolve("position"));
            Files.writeString(dir.resolve("position"), text.replace("4096", "4097"));
            IOException e = assertThrows(IOException.class, q::loadPosition);
            assertTrue(e.getMessage().contains(dir.resolve("position") + " fails its checksum; delete it"),
                    e.getMessage());
        }
    }

    @Test
    void positionBeforeTheOldestSegment_startsAtTheOldest() throws Exception {
        try (DiskQueue q = DiskQueue.open(dir, 1L << 30, new RelayMetrics())) {
            q.savePosition(new QueuePosition(0, 100));
            q.wal().nextSegment();
            q.wal().nextSegment();
            q.truncateBefore(2);
            assertEquals(new QueuePosition(2, 0), q.loadPosition());
        }
    }

    @Test
    void segmentSize_isASixteenthOfTheBudgetInWholePages() {
        assertEquals(128 << 10, DiskQueue.segmentSize(1 << 20));
        assertEquals(256 << 10, DiskQueue.segmentSize(4 << 20));
        assertEquals(64 << 20, DiskQueue.segmentSize(1L << 30));
        assertEquals(64 << 20, DiskQueue.segmentSize(1L << 40));
        assertEquals(0, DiskQueue.segmentSize(100_000_000) % (32 << 10));
    }
}
