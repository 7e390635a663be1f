package dev.cairn.appliance.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNotFoundException;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.ship.DeletionMark;
import dev.cairn.tsdb.ship.MetaFetcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The blocks of a bucket with their markers, as {@code cairn bucket ls|inspect} and the status UI's blocks
 * page show them: every complete block (meta.json read through a {@link MetaFetcher}, so a caller that
 * keeps its fetcher reads each meta.json once), its deletion mark and its no-compact mark, plus the
 * partial uploads and the blocks whose meta.json cannot be used. One directory listing per block finds its
 * markers, as the compactor does.
 */
public final class BucketBlocks {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NO_COMPACT_MARK = "no-compact-mark.json";

    private BucketBlocks() {
    }

    /**
     * One block.
     *
     * @param deletionMark    its deletion mark, or null
     * @param noCompactReason the reason of its no-compact mark ("" when the mark gives none), or null without one
     */
    public record Entry(BlockMeta meta, DeletionMark deletionMark, String noCompactReason) {
        public long resolution() {
            return meta.thanos() == null ? 0 : meta.thanos().downsampleResolution();
        }
    }

    /**
     * @param blocks  complete blocks in ULID order
     * @param partial blocks without meta.json (an upload under way or abandoned)
     * @param corrupt blocks whose meta.json cannot be used, with the reason
     */
    public record Listing(List<Entry> blocks, List<Ulid> partial, SortedMap<Ulid, String> corrupt) {
        public Listing {
            blocks = List.copyOf(blocks);
            partial = List.copyOf(partial);
        }
    }

    /** Lists the bucket's blocks; a marker that cannot be read is reported as the block's mark with its fault. */
    public static Listing list(Bucket bucket, MetaFetcher fetcher) throws IOException {
        MetaFetcher.Result r = fetcher.fetch();
        List<Entry> out = new ArrayList<>(r.metas().size());
        for (BlockMeta m : r.metas().values()) {
            List<String> names = bucket.list(m.ulid() + "/", false);
            DeletionMark deletion = null;
            String noCompact = null;
            if (names.contains(m.ulid() + "/" + DeletionMark.FILENAME)) {
                deletion = deletionMark(bucket, m.ulid());
            }
            if (names.contains(m.ulid() + "/" + NO_COMPACT_MARK)) {
                noCompact = noCompactReason(bucket, m.ulid());
            }
            out.add(new Entry(m, deletion, noCompact));
        }
        return new Listing(out, r.partial(), r.corrupt());
    }

    private static DeletionMark deletionMark(Bucket bucket, Ulid id) throws IOException {
        String name = id + "/" + DeletionMark.FILENAME;
        try (InputStream in = bucket.get(name)) {
            return DeletionMark.parse(in.readAllBytes(), bucket.name() + "/" + name);
        } catch (ObjectNotFoundException e) {
            return null; // deleted since the listing: the block is on its way out, the next listing tells
        } catch (CorruptionException e) {
            return new DeletionMark(id, 0, "unreadable deletion mark: " + e.getMessage());
        }
    }

    private static String noCompactReason(Bucket bucket, Ulid id) throws IOException {
        String name = id + "/" + NO_COMPACT_MARK;
        try (InputStream in = bucket.get(name)) {
            JsonNode n = JSON.readTree(in.readAllBytes());
            JsonNode reason = n == null ? null : n.get("reason");
            return reason == null || !reason.isTextual() ? "" : reason.textValue();
        } catch (ObjectNotFoundException e) {
            return null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "unreadable no-compact mark: " + e.getOriginalMessage();
        }
    }
}
