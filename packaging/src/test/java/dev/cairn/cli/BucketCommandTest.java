package dev.cairn.cli;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.ship.Upload;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cairn bucket ls|inspect|verify} end to end: flags, exit codes, one-sentence errors. */
class BucketCommandTest {
    private static final long T0 = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    private static final long H = 3_600_000L;

    @TempDir
    Path tmp;
    Path data;
    BlockMeta first;
    BlockMeta second;

    @BeforeEach
    void bucketWithTwoBlocks() throws IOException {
        data = tmp.resolve("data");
        try (FilesystemBucket b = FilesystemBucket.open(data.resolve("bucket"))) {
            first = upload(b, T0, Map.of("cluster", "eu1"));
            second = upload(b, T0 + 2 * H, Map.of("cluster", "us1"));
        }
    }

    private BlockMeta upload(FilesystemBucket b, long mint, Map<String, String> external) throws IOException {
        Path local = Files.createTempDirectory(tmp, "local");
        Ulid id = Ulid.generate();
        try (BlockWriter w = BlockWriter.create(local, BlockWriter.Options.defaults().withUlid(id)
                .withRange(mint, mint + 2 * H))) {
            Labels l = Labels.of("__name__", "up", "instance", "vm-1:9100");
            Samples s = new Samples(l);
            for (long t = mint; t < mint + 2 * H; t += 15_000) {
                s.add(t, 1);
            }
            w.addSeries(l, s.iterator(null));
            w.commit();
        }
        return Upload.upload(b, local.resolve(id.toString()), Upload.Options.of(external, "sidecar"));
    }

    @Test
    void ls_dataDir_listsBothBlocksWide() {
        CliRun r = CliRun.of("bucket", "ls", "--data-dir", data.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(
                first.ulid() + " -- 2024-01-01 00:00 - 2024-01-01 02:00 Diff: 2h0m0s, Compaction: 1, Downsample: 0, Source: sidecar",
                second.ulid() + " -- 2024-01-01 02:00 - 2024-01-01 04:00 Diff: 2h0m0s, Compaction: 1, Downsample: 0, Source: sidecar"),
                r.out().lines().toList());
        CliRun ids = CliRun.of("bucket", "ls", "-o", "ulid", "--data-dir", data.toString());
        assertEquals(first.ulid() + "\n" + second.ulid() + "\n", ids.out(), ids.toString());
    }

    @Test
    void ls_configFile_readsItsFilesystemBucket() throws IOException {
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"),
                "data_dir: " + tmp.resolve("elsewhere") + "\nbucket:\n  type: filesystem\n  filesystem:\n    dir: "
                        + data.resolve("bucket") + "\n");
        CliRun r = CliRun.of("bucket", "ls", "-o", "ulid", "--config", yaml.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(2, r.out().lines().count(), r.toString());
        assertFalse(Files.exists(tmp.resolve("elsewhere")), "a read-only tool creates no appliance directories");
    }

    @Test
    void ls_missingBucket_oneSentenceAndNothingCreated() {
        Path nowhere = tmp.resolve("no-such-data");
        CliRun r = CliRun.of("bucket", "ls", "--data-dir", nowhere.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("cairn: no such file or directory: " + nowhere.resolve("bucket")), r.toString());
        assertTrue(r.err().contains("--data-dir"), r.toString());
        assertFalse(r.hasStackTrace(), r.toString());
        assertFalse(Files.exists(nowhere), "nothing created");
    }

    @Test
    void inspect_selector_tableOfTheMatchingBlock() {
        CliRun r = CliRun.of("bucket", "inspect", "--data-dir", data.toString(), "-l", "cluster=\"us1\"");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.toString());
        assertTrue(lines.get(0).matches("\\|\\s+ULID\\s+\\|\\s+FROM\\s+\\|\\s+UNTIL\\s+\\|\\s+RANGE\\s+\\|\\s+UNTIL-DOWN\\s+\\|"
                + "\\s+#SERIES\\s+\\|\\s+#SAMPLES\\s+\\|\\s+#CHUNKS\\s+\\|\\s+COMP-LEVEL\\s+\\|\\s+COMP-FAILED\\s+\\|"
                + "\\s+LABELS\\s+\\|\\s+RESOLUTION\\s+\\|\\s+SOURCE\\s+\\|"), lines.get(0));
        assertTrue(lines.get(2).startsWith("| " + second.ulid() + " | 01-01-2024 02:00:00 | 01-01-2024 04:00:00 | 2h0m0s"),
                lines.get(2));
        assertTrue(lines.get(2).contains("| 480 "), "480 samples (2h at 15s): " + lines.get(2));

        CliRun bad = CliRun.of("bucket", "inspect", "--data-dir", data.toString(), "--sort-by", "SIZE");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--sort-by SIZE: no such column"), bad.toString());
    }

    @Test
    void verify_wholeThenCorrupt_exitCodeFollowsTheProblems() throws IOException {
        CliRun ok = CliRun.of("bucket", "verify", "--data-dir", data.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains(first.ulid() + " ok: 1 series, 480 samples"), ok.toString());
        assertTrue(ok.out().endsWith("verified 2 block(s) of bucket " + data.resolve("bucket") + ": no problems\n")
                || ok.out().contains(": no problems\n"), ok.toString());

        // truncate the index of the second block: a damaged upload
        Path index = data.resolve("bucket").resolve(second.ulid().toString()).resolve("index");
        try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        CliRun bad = CliRun.of("bucket", "verify", "--data-dir", data.toString());
        assertEquals(1, bad.exitCode(), bad.toString());
        assertTrue(bad.out().contains(first.ulid() + " ok: "), bad.toString());
        assertTrue(bad.out().contains(second.ulid() + " PROBLEM: "), bad.toString());
        assertTrue(bad.out().contains(": 1 problem(s)"), bad.toString());
        assertFalse(bad.hasStackTrace(), bad.toString());

        CliRun only = CliRun.of("bucket", "verify", "--data-dir", data.toString(), "--id", first.ulid().toString());
        assertEquals(0, only.exitCode(), only.toString());
        CliRun notUlid = CliRun.of("bucket", "verify", "--data-dir", data.toString(), "--id", "nope");
        assertEquals(2, notUlid.exitCode(), notUlid.toString());
    }
}
