package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.bucket.ObjectAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cairn.appliance.compact.CompactorTestSupport.Expected;
import static dev.cairn.appliance.compact.CompactorTestSupport.H;
import static dev.cairn.appliance.compact.CompactorTestSupport.MutableClock;
import static dev.cairn.appliance.compact.CompactorTestSupport.T0;
import static dev.cairn.appliance.compact.CompactorTestSupport.liveBlocks;
import static dev.cairn.appliance.compact.CompactorTestSupport.objects;
import static dev.cairn.appliance.compact.CompactorTestSupport.readBack;
import static dev.cairn.appliance.compact.CompactorTestSupport.uploadBlock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketCompactorTest {
    static final Map<String, String> EU = Map.of("cluster", "eu1");
    static final Map<String, String> US = Map.of("cluster", "us1");
    static final long MINUTE = 60_000;

    @TempDir
    Path tmp;

    private CompactorConfig config() {
        return CompactorConfig.defaults(tmp.resolve("data/compact"), "test").withDiskMargin(0);
    }

    @Test
    void run_twoGroupsOf2hBlocks_compactInto8hBlocksPerGroupWithEverySample() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        Expected us = new Expected();
        for (int i = 0; i < 9; i++) { // 18h: two full 8h windows and one 2h block left
            uploadBlock(bucket, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, eu);
            uploadBlock(bucket, tmp, US, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, us);
        }
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 20 * H));
        BucketCompactor c = BucketCompactor.unlocked(bucket, config(), clock, FreeSpace.FILE_STORE);

        c.runOnce();

        for (Map<String, String> ext : List.of(EU, US)) {
            List<long[]> ranges = new ArrayList<>();
            for (BlockMeta m : liveBlocks(bucket)) {
                if (m.thanos().labels().equals(ext)) {
                    ranges.add(new long[] {m.minTime() - T0, m.maxTime() - T0, m.compaction().level()});
                    assertEquals(m.maxTime() - m.minTime() == 8 * H ? "compactor" : "sidecar", m.thanos().source());
                }
            }
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            assertEquals(List.of("0-8h L2", "8-16h L2", "16-18h L1"), ranges.stream()
                    .map(r -> r[0] / H + "-" + r[1] / H + "h L" + r[2]).toList(), "live blocks of " + ext);
        }
        assertEquals(eu.series, readBack(bucket, tmp, EU).series);
        assertEquals(us.series, readBack(bucket, tmp, US).series);
        CompactorStatus.Snapshot s = c.status().snapshot();
        assertEquals(4, s.compactions());
        assertEquals(16, s.marked());
        assertEquals(0, s.deletions(), "sources wait for the delete delay");
        assertFalse(s.halted());
        assertEquals(clock.instant(), s.lastSuccess());
        assertTrue(c.status().metricsText().contains("\ncairn_compactor_halted 0\n"));
        assertEquals(0, java.nio.file.Files.list(config().scratchDir()).count(), "scratch directory emptied");

        c.runOnce(); // nothing more is due: the newest block stays out of planning
        assertEquals(4, c.status().snapshot().compactions());
    }

    @Test
    void run_overlappingBlocks_areMergedVertically() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        uploadBlock(bucket, tmp, EU, T0, T0 + 2 * H, MINUTE, eu);
        uploadBlock(bucket, tmp, EU, T0 + H, T0 + 3 * H, 30_000, eu); // shares timestamps and values with the first
        uploadBlock(bucket, tmp, EU, T0 + 4 * H, T0 + 6 * H, MINUTE, eu);
        BucketCompactor c = BucketCompactor.unlocked(bucket, config(), new MutableClock(Instant.ofEpochMilli(T0 + 7 * H)),
                FreeSpace.FILE_STORE);

        c.runOnce();

        List<String> live = liveBlocks(bucket).stream().map(m -> (m.minTime() - T0) / H + "-" + (m.maxTime() - T0) / H)
                .sorted().toList();
        assertEquals(List.of("0-3", "4-6"), live);
        assertEquals(eu.series, readBack(bucket, tmp, EU).series);
        assertEquals(1, c.status().snapshot().compactions());
    }

    @Test
    void run_expiredBlocks_areMarkedThenDeletedAfterTheDelay() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected ignored = new Expected();
        BlockMeta old = uploadBlock(bucket, tmp, EU, T0, T0 + 2 * H, MINUTE, ignored);
        BlockMeta recent = uploadBlock(bucket, tmp, EU, T0 + 48 * H, T0 + 50 * H, MINUTE, ignored);
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 2 * H).plus(Duration.ofDays(2)).plusSeconds(60));
        CompactorConfig cfg = config().withRetention(Duration.ofDays(2), Duration.ZERO, Duration.ZERO)
                .withDeleteDelay(Duration.ofHours(10));
        BucketCompactor c = BucketCompactor.unlocked(bucket, cfg, clock, FreeSpace.FILE_STORE);

        c.runOnce();
        assertTrue(bucket.exists(old.ulid() + "/deletion-mark.json"), "expired block marked");
        assertTrue(bucket.exists(old.ulid() + "/meta.json"), "not deleted before the delay");
        assertFalse(bucket.exists(recent.ulid() + "/deletion-mark.json"));

        clock.advance(Duration.ofHours(9));
        c.runOnce();
        assertTrue(bucket.exists(old.ulid() + "/meta.json"), "9h < delete delay 10h");

        clock.advance(Duration.ofHours(1));
        c.runOnce();
        assertEquals(List.of(), bucket.list(old.ulid().toString(), true), "every object of the block deleted");
        assertTrue(bucket.exists(recent.ulid() + "/meta.json"));
        assertEquals(1, c.status().snapshot().deletions());
        assertEquals(1, c.status().snapshot().marked());
    }

    @Test
    void run_uploadsFail_haltsWithReasonAndLeavesNothingPartial() throws Exception {
        Bucket inner = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        for (int i = 0; i < 5; i++) {
            uploadBlock(inner, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, eu);
        }
        Map<String, Long> before = objects(inner);
        Bucket failing = new FailingUploads(inner, "/index");
        BucketCompactor c = BucketCompactor.unlocked(failing, config(), new MutableClock(Instant.ofEpochMilli(T0 + 12 * H)),
                FreeSpace.FILE_STORE);

        CompactorHaltedException e = assertThrows(CompactorHaltedException.class, c::runOnce);

        CompactorStatus.Snapshot s = c.status().snapshot();
        assertTrue(s.halted());
        assertTrue(s.haltReason().contains("injected upload failure"), s.haltReason());
        assertTrue(s.haltReason().contains("Check that the bucket is reachable"), s.haltReason());
        assertEquals(e.getMessage(), s.haltReason());
        assertEquals(1, s.failures());
        assertEquals(null, s.lastSuccess());
        assertTrue(c.status().metricsText().contains("\ncairn_compactor_halted 1\n"));
        assertEquals(before, objects(inner), "the bucket is as before: no partial block, no deletion mark");
    }

    @Test
    void run_notEnoughDisk_halts() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        long input = 0; // the four blocks of the first 8h window
        for (int i = 0; i < 5; i++) {
            BlockMeta m = uploadBlock(bucket, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, eu);
            input += i < 4 ? size(m) : 0;
        }
        long need4 = input;
        Map<String, Long> before = objects(bucket);
        // Just too little: the inputs and an output as big, plus the 1 MiB margin, minus one byte.
        CompactorConfig cfg = config().withDiskMargin(1 << 20);
        BucketCompactor c = BucketCompactor.unlocked(bucket, cfg, new MutableClock(Instant.ofEpochMilli(T0 + 12 * H)),
                dir -> 2 * need4 + (1 << 20) - 1);

        assertThrows(CompactorHaltedException.class, c::runOnce);

        assertTrue(c.status().halted());
        assertTrue(c.status().haltReason().contains("not enough disk space"), c.status().haltReason());
        assertEquals(before, objects(bucket));
    }

    @Test
    void run_enoughDiskForTheJob_compacts() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        long input = 0;
        for (int i = 0; i < 5; i++) {
            BlockMeta m = uploadBlock(bucket, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, eu);
            input += i < 4 ? size(m) : 0;
        }
        long need = input;
        BucketCompactor c = BucketCompactor.unlocked(bucket, config(), new MutableClock(Instant.ofEpochMilli(T0 + 12 * H)),
                dir -> 2 * need);

        c.runOnce();

        assertEquals(1, c.status().snapshot().compactions());
    }

    @Test
    void run_corruptBlock_isMarkedNoCompactAndSkippedWithoutHalting() throws Exception {
        FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        List<BlockMeta> blocks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            blocks.add(uploadBlock(bucket, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, eu));
        }
        BlockMeta bad = blocks.get(1);
        // Flip bits inside the first chunk's data: same size (the download's size check passes), bad CRC.
        Path seg = bucket.root().resolve(bad.ulid() + "/chunks/000001");
        byte[] bytes = java.nio.file.Files.readAllBytes(seg);
        bytes[12] ^= (byte) 0xff;
        java.nio.file.Files.write(seg, bytes);
        BucketCompactor c = BucketCompactor.unlocked(bucket, config(), new MutableClock(Instant.ofEpochMilli(T0 + 12 * H)),
                FreeSpace.FILE_STORE);

        c.runOnce();

        assertFalse(c.status().halted(), c.status().haltReason());
        assertEquals(1, c.status().snapshot().corruptBlocks());
        String mark = CompactorTestSupport.read(bucket, bad.ulid() + "/no-compact-mark.json");
        assertTrue(mark.contains("\"reason\":\"block-index-out-of-order-chunk\""), mark);
        List<String> live = liveBlocks(bucket).stream().map(m -> (m.minTime() - T0) / H + "-" + (m.maxTime() - T0) / H)
                .sorted().toList();
        assertEquals(List.of("0-2", "2-4", "4-8", "8-10"), live, "the blocks beside the bad one are compacted without spanning it");
    }

    @Test
    void run_raw48hBlock_isDownsampledTo5mOnce() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        BlockMeta raw = uploadBlock(bucket, tmp, EU, T0, T0 + 48 * H, 5 * MINUTE, new Expected());
        BucketCompactor c = BucketCompactor.unlocked(bucket, config(), new MutableClock(Instant.ofEpochMilli(T0 + 50 * H)),
                FreeSpace.FILE_STORE);

        c.runOnce();
        c.runOnce();

        assertFalse(c.status().halted(), c.status().haltReason());
        assertEquals(1, c.status().snapshot().downsamples());
        List<BlockMeta> live = liveBlocks(bucket);
        assertEquals(2, live.size());
        BlockMeta down = live.stream().filter(m -> m.thanos().downsampleResolution() == 300_000).findFirst().orElseThrow();
        assertEquals(raw.minTime(), down.minTime());
        assertEquals(raw.maxTime(), down.maxTime());
        assertEquals(EU, down.thanos().labels());
        assertEquals("compactor", down.thanos().source());
        assertEquals(List.of(raw.ulid()), down.compaction().sources());
        assertEquals(3, down.stats().numSeries());
    }

    @Test
    void run_afterMarkingFailed_theCoveredSourcesAreMarkedNextRunNotCompactedAgain() throws Exception {
        Bucket inner = FilesystemBucket.open(tmp.resolve("bucket"));
        Expected eu = new Expected();
        for (int i = 0; i < 5; i++) {
            uploadBlock(inner, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, MINUTE, eu);
        }
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 12 * H));
        BucketCompactor failing = BucketCompactor.unlocked(new FailingUploads(inner, "/deletion-mark.json"), config(),
                clock, FreeSpace.FILE_STORE);
        assertThrows(CompactorHaltedException.class, failing::runOnce);
        assertEquals(1, failing.status().snapshot().compactions(), "the result is in the bucket, its sources unmarked");

        BucketCompactor c = BucketCompactor.unlocked(inner, config(), clock, FreeSpace.FILE_STORE);
        c.runOnce();

        assertEquals(0, c.status().snapshot().compactions());
        assertEquals(4, c.status().snapshot().marked());
        List<String> live = liveBlocks(inner).stream().map(m -> (m.minTime() - T0) / H + "-" + (m.maxTime() - T0) / H)
                .sorted().toList();
        assertEquals(List.of("0-8", "8-10"), live);
        assertEquals(eu.series, readBack(inner, tmp, EU).series);
    }

    private static long size(BlockMeta m) {
        return m.thanos().files().stream().mapToLong(f -> f.sizeBytes()).sum();
    }

    /** Fails every upload whose name ends with {@code suffix}. */
    static final class FailingUploads implements Bucket {
        private final Bucket inner;
        private final String suffix;

        FailingUploads(Bucket inner, String suffix) {
            this.inner = inner;
            this.suffix = suffix;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
            inner.iter(dir, recursive, visitor);
        }

        @Override
        public InputStream get(String name) throws IOException {
            return inner.get(name);
        }

        @Override
        public InputStream getRange(String name, long offset, long length) throws IOException {
            return inner.getRange(name, offset, length);
        }

        @Override
        public boolean exists(String name) throws IOException {
            return inner.exists(name);
        }

        @Override
        public ObjectAttributes attributes(String name) throws IOException {
            return inner.attributes(name);
        }

        @Override
        public void upload(String name, InputStream in, long length) throws IOException {
            check(name);
            inner.upload(name, in, length);
        }

        @Override
        public void upload(String name, Path file) throws IOException {
            check(name);
            inner.upload(name, file);
        }

        private void check(String name) throws IOException {
            if (name.endsWith(suffix)) {
                throw new IOException("upload " + name + " to bucket " + name() + ": injected upload failure");
            }
        }

        @Override
        public void delete(String name) throws IOException {
            inner.delete(name);
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
