package dev.cairn.appliance.store;

import dev.cairn.tsdb.block.BlockCompaction;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockStats;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which blocks answer which part of a query, by resolution (Thanos's getFor, plus a fallback). */
class ResolutionChoiceTest {
    static final long H = 3_600_000L;
    static final long M5 = 300_000L;

    static BucketBlock block(long minH, long maxH, long res, Map<String, String> labels) {
        Ulid id = Ulid.generate();
        BlockMeta m = new BlockMeta(id, minH * H, maxH * H, new BlockStats(1, 1, 1, 0), BlockCompaction.level1(id), 1,
                new ThanosMeta(labels, res, "test"));
        return new BucketBlock(m, null, null, null, new HeaderCache(null));
    }

    /** "res:from-to" per choice, times in hours, in the order chosen. */
    static List<String> describe(List<ResolutionChoice.Choice> cs) {
        List<String> out = new ArrayList<>();
        for (ResolutionChoice.Choice c : cs) {
            out.add(c.block().resolution() / 60_000 + "m:" + c.mint() / H + "-" + (c.maxt() + 1) / H);
        }
        out.sort(null);
        return out;
    }

    private final Map<String, String> a = Map.of("cluster", "a");
    private final List<BucketBlock> blocks = new ArrayList<>();

    ResolutionChoiceTest() {
        for (int h = 0; h < 48; h += 8) {
            blocks.add(block(h, h + 8, 0, a)); // raw 8h blocks over two days
        }
        blocks.add(block(0, 40, M5, a)); // the first 40h downsampled to 5m
    }

    @Test
    void raw_readsRawBlocksOnly() {
        assertEquals(List.of("0m:0-8", "0m:16-24", "0m:24-32", "0m:32-40", "0m:40-48", "0m:8-16"),
                describe(ResolutionChoice.choose(blocks, 0, 48 * H - 1, 0)));
    }

    @Test
    void fiveMinutes_readsThe5mBlock_andRawWhereThereIsNone() {
        assertEquals(List.of("0m:40-48", "5m:0-40"), describe(ResolutionChoice.choose(blocks, 0, 48 * H - 1, M5)));
        // 1h accepted but there is no 1h block: the same
        assertEquals(List.of("0m:40-48", "5m:0-40"), describe(ResolutionChoice.choose(blocks, 0, 48 * H - 1, H)));
        // a query inside the 5m block reads that block only
        assertEquals(List.of("5m:10-20"), describe(ResolutionChoice.choose(blocks, 10 * H, 20 * H - 1, 12 * 60_000)));
    }

    @Test
    void rawDeletedByRetention_theDownsampledBlockFillsTheGap() {
        blocks.removeIf(b -> b.resolution() == 0 && b.meta().maxTime() <= 32 * H);
        assertEquals(List.of("0m:32-40", "0m:40-48", "5m:0-32"), describe(ResolutionChoice.choose(blocks, 0, 48 * H - 1, 0)));
    }

    @Test
    void producers_areChosenForSeparately() {
        blocks.add(block(0, 48, 0, Map.of("cluster", "b"))); // another producer with raw data only
        assertEquals(List.of("0m:0-48", "0m:40-48", "5m:0-40"), describe(ResolutionChoice.choose(blocks, 0, 48 * H - 1, M5)));
    }

    @Test
    void coarserBlockOverlapsFiner_finerFillsOnlyTheGap() {
        blocks.add(block(40, 44, M5, a)); // part of the raw 40-48 block downsampled
        assertEquals(List.of("0m:44-48", "5m:0-40", "5m:40-44"), describe(ResolutionChoice.choose(blocks, 0, 48 * H - 1, M5)));
    }
}
