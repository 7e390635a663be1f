package dev.cairn.appliance.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.appliance.tool.BucketBlocks;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.ship.MetaFetcher;

import java.io.IOException;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * {@code GET /api/v1/blocks}: the bucket's blocks in the shape of Thanos's bucket web
 * ({@code {"label", "blocks": [meta.json...], "refreshedAt", "err"}} under {@code data}), so Thanos's block
 * viewer and scripts written for it read it, plus what Thanos leaves out: each block's markers
 * ({@code marks}: deletion mark, no-compact reason), partial uploads and unusable meta.json files.
 *
 * <p>Listing a bucket costs a request per block (its markers), so the answer is kept for
 * {@value #REFRESH_MS} ms. A failed refresh keeps the last blocks and reports {@code err}, as Thanos does.
 */
final class BlocksView {
    static final long REFRESH_MS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Bucket bucket;
    private final MetaFetcher fetcher;
    private final LongSupplier clock;
    private ObjectNode last;
    private long lastRefreshMs = Long.MIN_VALUE;

    BlocksView(Bucket bucket, LongSupplier clock) {
        this.bucket = bucket;
        this.fetcher = new MetaFetcher(bucket, 8);
        this.clock = clock;
    }

    /** The {@code data} object, refreshed when older than {@link #REFRESH_MS}. */
    synchronized ObjectNode data() {
        long now = clock.getAsLong();
        if (last != null && now - lastRefreshMs < REFRESH_MS) {
            return last;
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("label", "");
        try {
            BucketBlocks.Listing l = BucketBlocks.list(bucket, fetcher);
            ArrayNode blocks = d.putArray("blocks");
            ObjectNode marks = d.putObject("marks");
            for (BucketBlocks.Entry e : l.blocks()) {
                blocks.add(meta(e));
                if (e.deletionMark() != null || e.noCompactReason() != null) {
                    ObjectNode m = marks.putObject(e.meta().ulid().toString());
                    if (e.deletionMark() != null) {
                        ObjectNode del = m.putObject("deletion");
                        del.put("deletion_time", e.deletionMark().deletionTime());
                        del.put("details", e.deletionMark().details());
                    }
                    if (e.noCompactReason() != null) {
                        m.put("noCompact", e.noCompactReason());
                    }
                }
            }
            ArrayNode partial = d.putArray("partial");
            l.partial().forEach(u -> partial.add(u.toString()));
            ObjectNode corrupt = d.putObject("corrupt");
            l.corrupt().forEach((u, why) -> corrupt.put(u.toString(), why));
            d.putNull("err");
        } catch (IOException | RuntimeException e) {
            if (last != null) {
                d = last.deepCopy();
            } else {
                d.putArray("blocks");
                d.putObject("marks");
                d.putArray("partial");
                d.putObject("corrupt");
            }
            d.put("err", "list blocks of bucket " + bucket.name() + ": " + e.getMessage());
        }
        d.put("refreshedAt", Instant.ofEpochMilli(now).toString());
        last = d;
        lastRefreshMs = now;
        return d;
    }

    private static JsonNode meta(BucketBlocks.Entry e) {
        try {
            return JSON.readTree(MetaJson.format(e.meta()));
        } catch (IOException ex) {
            throw new IllegalStateException("cannot happen: our own meta.json of " + e.meta().ulid() + " is not JSON", ex);
        }
    }
}
