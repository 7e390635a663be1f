package dev.cairn.tsdb.block;

import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaJsonTest {
    private static final Ulid A = Ulid.parse("01HZZZZZZZZZZZZZZZZZZZZZZA");
    private static final Ulid B = Ulid.parse("01HZZZZZZZZZZZZZZZZZZZZZZB");
    private static final Ulid C = Ulid.parse("01HZZZZZZZZZZZZZZZZZZZZZZC");

    /** A meta.json as Prometheus 2.42's writeMetaFile lays it out (MarshalIndent with tabs). */
    private static final String PROMETHEUS_META = """
            {
            \t"ulid": "01HZZZZZZZZZZZZZZZZZZZZZZC",
            \t"minTime": 1000,
            \t"maxTime": 7201000,
            \t"stats": {
            \t\t"numSamples": 240,
            \t\t"numSeries": 2,
            \t\t"numChunks": 2
            \t},
            \t"compaction": {
            \t\t"level": 2,
            \t\t"sources": [
            \t\t\t"01HZZZZZZZZZZZZZZZZZZZZZZA",
            \t\t\t"01HZZZZZZZZZZZZZZZZZZZZZZB"
            \t\t],
            \t\t"parents": [
            \t\t\t{
            \t\t\t\t"ulid": "01HZZZZZZZZZZZZZZZZZZZZZZA",
            \t\t\t\t"minTime": 1000,
            \t\t\t\t"maxTime": 3601000
            \t\t\t},
            \t\t\t{
            \t\t\t\t"ulid": "01HZZZZZZZZZZZZZZZZZZZZZZB",
            \t\t\t\t"minTime": 3601000,
            \t\t\t\t"maxTime": 7201000
            \t\t\t}
            \t\t]
            \t},
            \t"version": 1
            }""";

    @Test
    void format_prometheusMeta_isByteIdenticalToGoOutput() {
        BlockMeta m = new BlockMeta(C, 1000, 7_201_000, new BlockStats(240, 2, 2, 0),
                new BlockCompaction(2, List.of(A, B), false,
                        List.of(new BlockDesc(A, 1000, 3_601_000), new BlockDesc(B, 3_601_000, 7_201_000)), false, List.of()),
                1, null);
        assertEquals(PROMETHEUS_META, new String(MetaJson.format(m), StandardCharsets.UTF_8));
        assertEquals(m, MetaJson.parse(PROMETHEUS_META.getBytes(StandardCharsets.UTF_8), "x"));
    }

    @Test
    void parse_thanosSection_readsLabelsResolutionSourceFiles() {
        String json = """
                {"ulid":"01HZZZZZZZZZZZZZZZZZZZZZZA","minTime":-5,"maxTime":10,"stats":{},"compaction":{"level":1,
                 "sources":["01HZZZZZZZZZZZZZZZZZZZZZZA"]},"version":1,"unknown":{"x":[1,2]},
                 "thanos":{"labels":{"replica":"a","cluster":"eu<1>"},"downsample":{"resolution":300000},
                 "source":"compactor","segment_files":["000001"],
                 "files":[{"rel_path":"chunks/000001","size_bytes":123},{"rel_path":"meta.json"},
                          {"rel_path":"index","size_bytes":9,"hash":{"hashFunc":"SHA256","value":"ab"}}],
                 "index_stats":{},"upload_time":"2026-01-01T00:00:00Z"}}
                """;
        BlockMeta m = MetaJson.parse(json.getBytes(StandardCharsets.UTF_8), "meta.json");
        assertEquals(-5, m.minTime());
        ThanosMeta t = m.thanos();
        assertEquals(Map.of("replica", "a", "cluster", "eu<1>"), t.labels());
        assertEquals(300_000, t.downsampleResolution());
        assertEquals("compactor", t.source());
        assertEquals(List.of("000001"), t.segmentFiles());
        assertEquals(List.of(new ThanosFile("chunks/000001", 123), new ThanosFile("meta.json", 0),
                new ThanosFile("index", 9, "SHA256", "ab")), t.files());
        // Written back it parses to the same record; Go escapes '<' and sorts label names.
        String out = new String(MetaJson.format(m), StandardCharsets.UTF_8);
        assertTrue(out.contains("\"cluster\": \"eu\\u003c1\\u003e\",\n\t\t\t\"replica\": \"a\""), out);
        assertTrue(out.contains("\"downsample\": {\n\t\t\t\"resolution\": 300000\n\t\t}"), out);
        assertEquals(m, MetaJson.parse(out.getBytes(StandardCharsets.UTF_8), "again"));
        // fields we do not model survive a rewrite, in Thanos's layout
        assertEquals(List.of("index_stats", "upload_time"), List.copyOf(t.extra().keySet()));
        assertTrue(out.contains("\t\t\"index_stats\": {},\n\t\t\"upload_time\": \"2026-01-01T00:00:00Z\"\n\t}\n}\n"), out);
    }

    @Test
    void writeRead_roundTrip_leavesNoTmpFile(@TempDir Path dir) throws Exception {
        BlockMeta m = new BlockMeta(A, 0, 1, BlockStats.EMPTY, BlockCompaction.level1(A), 1,
                new ThanosMeta(Map.of("a", "b"), 0, ThanosMeta.SOURCE_RECEIVE));
        MetaJson.write(dir, m);
        assertEquals(m, MetaJson.read(dir));
        assertFalse(Files.exists(dir.resolve("meta.json.tmp")));
        MetaJson.write(dir, m.withThanos(null));
        assertNull(MetaJson.read(dir).thanos());
    }

    private static CorruptionException parseFails(String json) {
        return assertThrows(CorruptionException.class,
                () -> MetaJson.parse(json.getBytes(StandardCharsets.UTF_8), "/blocks/X/meta.json"));
    }

    @Test
    void parse_garbage_namesFileAndField() {
        CorruptionException e = parseFails("{\"ulid\": \"01HZ");
        assertEquals("/blocks/X/meta.json", e.file());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertTrue(parseFails("").getMessage().contains("empty"));
        assertTrue(parseFails("[1]").getMessage().contains("want a JSON object"));
        assertTrue(parseFails("{\"minTime\":1,\"maxTime\":2,\"version\":1}").getMessage().contains("\"ulid\" is missing"));
        assertTrue(parseFails("{\"ulid\":\"nope\",\"minTime\":1,\"maxTime\":2,\"version\":1}").getMessage()
                .contains("\"ulid\" is not a ULID"));
        assertTrue(parseFails("{\"ulid\":\"01HZZZZZZZZZZZZZZZZZZZZZZA\",\"minTime\":\"1\",\"maxTime\":2,\"version\":1}")
                .getMessage().contains("\"minTime\" is \"1\", want an integer"));
        assertTrue(parseFails("{\"ulid\":\"01HZZZZZZZZZZZZZZZZZZZZZZA\",\"minTime\":1,\"maxTime\":2,\"version\":2}")
                .getMessage().contains("version 2"));
        assertTrue(parseFails("{\"ulid\":\"01HZZZZZZZZZZZZZZZZZZZZZZA\",\"minTime\":1,\"maxTime\":2}")
                .getMessage().contains("\"version\" is missing"));
        assertTrue(parseFails("{\"ulid\":\"01HZZZZZZZZZZZZZZZZZZZZZZA\",\"minTime\":5,\"maxTime\":2,\"version\":1}")
                .getMessage().contains("before minTime"));
        assertTrue(parseFails("{\"ulid\":\"01HZZZZZZZZZZZZZZZZZZZZZZA\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
                + "\"compaction\":{\"level\":1,\"sources\":\"x\"}}").getMessage().contains("compaction.sources"));
        assertTrue(parseFails("{\"ulid\":\"01HZZZZZZZZZZZZZZZZZZZZZZA\",\"minTime\":1,\"maxTime\":2,\"version\":1,"
                + "\"thanos\":{\"labels\":{\"a\":1}}}").getMessage().contains("thanos.labels.a"));
    }

    @Test
    void read_missingFile_saysBlockIsIncomplete(@TempDir Path dir) {
        CorruptionException e = assertThrows(CorruptionException.class, () -> MetaJson.read(dir));
        assertEquals(dir.resolve("meta.json").toString(), e.file());
        assertTrue(e.getMessage().contains("missing"));
    }
}
