package dev.cairn.appliance.tool;

import dev.cairn.tsdb.tool.GoText;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.ship.MetaFetcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code cairn bucket ls}: one line per block of the bucket, in ULID order. {@code wide} (the default) is
 * {@code thanos tools bucket ls -o wide}'s line ({@code ULID -- FROM - UNTIL Diff: RANGE, Compaction: LEVEL,
 * Downsample: RESOLUTION_MS, Source: SOURCE}, times in UTC) with the block's markers appended; {@code ulid}
 * prints the ULIDs only (Thanos's default), {@code json} each meta.json.
 */
public final class BucketLs {
    public enum Format { WIDE, ULID, JSON }

    static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private BucketLs() {
    }

    /** Prints the listing; returns how many block directories could not be listed (corrupt meta.json). */
    public static int run(Bucket bucket, Format format, PrintWriter out, PrintWriter err) throws IOException {
        BucketBlocks.Listing l = BucketBlocks.list(bucket, new MetaFetcher(bucket, 8));
        for (BucketBlocks.Entry e : l.blocks()) {
            BlockMeta m = e.meta();
            switch (format) {
                case ULID -> out.println(m.ulid());
                case JSON -> out.print(new String(MetaJson.format(m), StandardCharsets.UTF_8).stripTrailing() + "\n");
                case WIDE -> out.println(wide(e));
            }
        }
        for (var c : l.corrupt().entrySet()) {
            err.println("block " + c.getKey() + " left out: " + c.getValue());
        }
        if (!l.partial().isEmpty()) {
            err.println(l.partial().size() + " partial block(s) without meta.json left out (uploads under way or"
                    + " abandoned; the compactor deletes abandoned ones after 48h): " + l.partial());
        }
        out.flush();
        err.flush();
        return l.corrupt().size();
    }

    static String wide(BucketBlocks.Entry e) {
        BlockMeta m = e.meta();
        // Thanos prints whole seconds of both ends and their difference
        long from = Math.floorDiv(m.minTime(), 1000);
        long until = Math.floorDiv(m.maxTime(), 1000);
        StringBuilder sb = new StringBuilder();
        sb.append(m.ulid()).append(" -- ").append(MINUTES.format(Instant.ofEpochSecond(from))).append(" - ")
                .append(MINUTES.format(Instant.ofEpochSecond(until)))
                .append(" Diff: ").append(GoText.durationMillis((until - from) * 1000))
                .append(", Compaction: ").append(m.compaction().level())
                .append(", Downsample: ").append(e.resolution())
                .append(", Source: ").append(m.thanos() == null ? "" : m.thanos().source());
        if (e.deletionMark() != null) {
            sb.append(", Marked for deletion at ")
                    .append(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(e.deletionMark().deletionTime())));
        }
        if (e.noCompactReason() != null) {
            sb.append(", No-compact: ").append(e.noCompactReason().isEmpty() ? "marked" : e.noCompactReason());
        }
        return sb.toString();
    }
}
