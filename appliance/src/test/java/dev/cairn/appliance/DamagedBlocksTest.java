package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged blocks in the filesystem bucket, read by the store gateway inside the appliance: a flipped chunk
 * byte (checksum), a flipped byte in the index's series section, a truncated chunk segment (chunk references
 * past its end). Each query answers 200 with the other blocks' data and a Prometheus API warning naming each
 * damaged block's ULID with its reason, later queries too, and /metrics counts the reads left out.
 */
class DamagedBlocksTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long H = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    private static final int BLOCKS = 5;

    @TempDir
    Path tmp;

    @Test
    void bucketBlocksWithBadChunkIndexAndRange_areLeftOutWithWarnings_restAnswers() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), """
                external_labels: {cluster: eu1}
                receive: {replica: r1, block_duration: 2h}
                store: {sync_interval: 1h}
                compact: {enabled: false}
                """);
        ApplianceConfig c = ConfigLoader.load(yaml, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0");
        List<BlockMeta> shipped = new ArrayList<>();
        try (ApplianceMain m = ApplianceMain.start(c)) {
            HeadAppender app = m.db().appender();
            for (long t = T0; t < T0 + (BLOCKS * 2 + 2) * H; t += 15_000) {
                for (String inst : new String[] {"a", "b", "c"}) {
                    app.append(Labels.of("__name__", "up", "instance", inst), t, 1);
                }
            }
            app.commit();
            m.db().compact();
            m.shipNow();
            m.store().sync();
            shipped.addAll(m.store().blocks());
        }
        shipped.sort((x, y) -> Long.compare(x.minTime(), y.minTime()));
        assertTrue(shipped.size() >= BLOCKS, "blocks shipped: " + shipped);
        // the receiver forgets them: only the bucket holds the data now
        try (Stream<Path> s = Files.list(c.receiveDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p.resolve("meta.json"))) {
                    DurableFiles.deleteRecursively(p);
                }
            }
        }
        Path bucket = c.bucketDir();
        BlockMeta badChunk = shipped.get(1);
        BlockMeta badIndex = shipped.get(2);
        BlockMeta badRange = shipped.get(3);
        flip(bucket.resolve(badChunk.ulid() + "/chunks/000001"), 8 + 100);
        flip(bucket.resolve(badIndex.ulid() + "/index"), seriesSectionOffset(bucket.resolve(badIndex.ulid() + "/index")) + 3);
        Path seg = bucket.resolve(badRange.ulid() + "/chunks/000001");
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 3);
        }

        try (ApplianceMain m = ApplianceMain.start(c)) {
            assertEquals(List.of(), m.db().blocks().stream().map(Block::toString).toList());
            for (int round = 0; round < 2; round++) {
                // per block: count_over_time over exactly its 2h (480 samples a series when it answers)
                for (BlockMeta b : shipped.subList(0, BLOCKS)) {
                    String body = get(m, "/api/v1/query?query=" + URLEncoder.encode("count_over_time(up[2h])",
                            StandardCharsets.UTF_8) + "&time=" + (b.maxTime() - 1) / 1000.0);
                    assertTrue(body.startsWith("{\"status\":\"success\""), body);
                    boolean damaged = b == badChunk || b == badIndex || b == badRange;
                    if (damaged) {
                        assertTrue(body.contains("\"bucket block " + b.ulid() + " is damaged and left out of this answer: "),
                                "round " + round + ", " + b.ulid() + ": " + body);
                        assertEquals(0, occurrences(body, "\"480\""), body);
                    } else {
                        // the range reaches back into the block before (its last sample's millisecond): a damaged
                        // neighbour may be named, this block never
                        assertFalse(body.contains("block " + b.ulid()), body);
                        assertEquals(3, occurrences(body, "\"480\""), body);
                    }
                }
            }
            // one query over all: the healthy blocks' series answer, the three damaged ones are named
            String all = get(m, "/api/v1/query_range?query=" + URLEncoder.encode("count_over_time(up[2h])",
                    StandardCharsets.UTF_8) + "&start=" + (T0 + 2 * H - 1) / 1000.0 + "&end="
                    + (T0 + BLOCKS * 2 * H - 1) / 1000.0 + "&step=7200");
            assertTrue(all.startsWith("{\"status\":\"success\""), all);
            for (BlockMeta b : List.of(badChunk, badIndex, badRange)) {
                assertTrue(all.contains("bucket block " + b.ulid()), b.ulid() + ": " + all);
            }
            assertTrue(all.contains("chunk checksum mismatch") && all.contains("series entry checksum mismatch"), all);
            System.out.println("damaged blocks answer: " + all);
            assertEquals(3, m.store().corruptBlocks().size(), m.store().corruptBlocks().toString());
            String metrics = get(m, "/metrics");
            String line = metrics.lines().filter(l -> l.startsWith("cairn_query_corrupt_block_reads_total{source=\"bucket\"}"))
                    .findFirst().orElseThrow();
            assertTrue(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) >= 6, line);
            assertTrue(metrics.contains("cairn_store_blocks_corrupt 3\n"), metrics);
        }
    }

    private static int occurrences(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The series section's offset from the index's table of contents (the last 52 bytes: 6 offsets, CRC). */
    private static long seriesSectionOffset(Path index) throws Exception {
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.READ)) {
            ByteBuffer toc = ByteBuffer.allocate(52).order(ByteOrder.BIG_ENDIAN);
            ch.read(toc, ch.size() - 52);
            return toc.getLong(8);
        }
    }

    private static void flip(Path file, long offset) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }

    private static String get(ApplianceMain m, String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort() + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
