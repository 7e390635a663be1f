package dev.cairn.appliance.tool;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNotFoundException;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.ship.Download;
import dev.cairn.tsdb.ship.MetaFetcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code cairn bucket verify}: downloads each block (one at a time, into a scratch directory emptied after
 * each) and checks it as the compactor does before compacting it: {@link Block#open} (meta.json, the index's
 * table of contents, chunk segment headers, tombstones) and {@link Block#verify} (every series entry, every
 * chunk's checksum and samples, the counts of meta.json). A block that fails, and a meta.json that cannot be
 * read, is a <b>problem</b>: the exit code says so. Blocks marked for deletion are skipped (they may vanish
 * midway) unless named with {@code --id}. Overlapping blocks of one group and partial uploads are reported
 * as notes only: the compactor merges overlaps vertically and deletes abandoned uploads.
 */
public final class BucketVerify {
    private BucketVerify() {
    }

    /**
     * Verifies the bucket's blocks, or only {@code ids} when not empty; prints one line per block and a summary.
     *
     * @param scratch an empty or missing directory for the downloads; removed again afterwards
     * @return the number of problems found (0: every checked block is whole)
     */
    public static int run(Bucket bucket, Path scratch, Set<Ulid> ids, PrintWriter out) throws IOException {
        BucketBlocks.Listing l = BucketBlocks.list(bucket, new MetaFetcher(bucket, 8));
        int problems = 0;
        int checked = 0;
        for (var c : l.corrupt().entrySet()) {
            if (ids.isEmpty() || ids.contains(c.getKey())) {
                out.println(c.getKey() + " PROBLEM: meta.json unusable: " + c.getValue());
                problems++;
            }
        }
        List<Ulid> missing = new ArrayList<>(ids);
        Files.createDirectories(scratch);
        try {
            for (BucketBlocks.Entry e : l.blocks()) {
                Ulid id = e.meta().ulid();
                missing.remove(id);
                if (!ids.isEmpty() && !ids.contains(id)) {
                    continue;
                }
                if (e.deletionMark() != null && ids.isEmpty()) {
                    out.println(id + " skipped: marked for deletion (name it with --id to verify it anyway)");
                    continue;
                }
                checked++;
                String problem = verifyOne(bucket, id, scratch);
                if (problem == null) {
                    BlockMeta m = e.meta();
                    out.println(id + " ok: " + String.format(Locale.ENGLISH, "%,d series, %,d samples, %,d chunks",
                            m.stats().numSeries(), m.stats().numSamples(), m.stats().numChunks()));
                } else {
                    out.println(id + " PROBLEM: " + problem);
                    problems++;
                }
                out.flush();
            }
        } finally {
            DurableFiles.deleteRecursively(scratch);
        }
        missing.removeAll(l.corrupt().keySet());
        for (Ulid id : missing) {
            boolean partial = l.partial().contains(id);
            out.println(id + " PROBLEM: " + (partial ? "partial block: no meta.json (an upload under way or abandoned)"
                    : "no such block in bucket " + bucket.name()));
            problems++;
        }
        if (ids.isEmpty() && !l.partial().isEmpty()) {
            out.println("note: " + l.partial().size() + " partial block(s) without meta.json not verified (uploads"
                    + " under way, or abandoned ones the compactor deletes after 48h): " + l.partial());
        }
        for (String overlap : overlaps(l.blocks())) {
            out.println("note: " + overlap + " (the compactor merges overlapping blocks vertically)");
        }
        out.println("verified " + checked + " block(s) of bucket " + bucket.name() + ": "
                + (problems == 0 ? "no problems" : problems + " problem(s)"));
        out.flush();
        return problems;
    }

    /** Downloads, opens and verifies one block; the problem found, or null when it is whole. */
    private static String verifyOne(Bucket bucket, Ulid id, Path scratch) throws IOException {
        Path dir = scratch.resolve(id.toString());
        try {
            Download.download(bucket, id, scratch);
            try (Block b = Block.open(dir)) {
                b.verify();
            }
            return null;
        } catch (CorruptionException e) {
            // name the object in the bucket rather than our downloaded copy
            return e.getMessage().replace(dir + java.io.File.separator, bucket.name() + "/" + id + "/");
        } catch (ObjectNotFoundException e) {
            return "a file of the block is missing: " + e.getMessage();
        } catch (IOException e) {
            // a damaged block (wrong sizes, unreadable meta.json) reads as an I/O failure of the download too;
            // a bucket that cannot be reached fails every block the same way, which the output makes plain
            return e.getMessage();
        } finally {
            DurableFiles.deleteRecursively(dir);
            DurableFiles.deleteRecursively(scratch.resolve(id + Download.TMP_SUFFIX));
        }
    }

    /** Pairs of blocks of one group (external labels, resolution) whose time ranges overlap, not marked for deletion. */
    static List<String> overlaps(List<BucketBlocks.Entry> blocks) {
        Map<String, List<BlockMeta>> groups = new TreeMap<>();
        for (BucketBlocks.Entry e : blocks) {
            if (e.deletionMark() == null) {
                String key = (e.meta().thanos() == null ? Map.of() : e.meta().thanos().labels()) + "@" + e.resolution();
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e.meta());
            }
        }
        List<String> out = new ArrayList<>();
        for (var g : groups.entrySet()) {
            List<BlockMeta> ms = g.getValue();
            ms.sort((a, b) -> Long.compare(a.minTime(), b.minTime()));
            for (int i = 0; i < ms.size(); i++) {
                for (int j = i + 1; j < ms.size() && ms.get(j).minTime() < ms.get(i).maxTime(); j++) {
                    out.add("blocks " + ms.get(i).ulid() + " and " + ms.get(j).ulid() + " of group " + g.getKey()
                            + " overlap");
                }
            }
        }
        return out;
    }
}
