package dev.cairn.tsdb.block;

import java.util.List;

/**
 * The {@code compaction} section of meta.json: how many compactions made the block and from what.
 *
 * @param level     1 for a block cut from a head, max(parents)+1 after each compaction
 * @param sources   ULIDs of the level-1 blocks whose data this block holds, sorted
 * @param deletable the compaction produced no samples; the block may be deleted
 * @param parents   the blocks compacted directly into this one
 * @param failed    a compaction of this block failed once (Prometheus then skips it)
 * @param hints     free-form notes, e.g. "from-out-of-order"
 */
public record BlockCompaction(int level, List<Ulid> sources, boolean deletable, List<BlockDesc> parents,
                              boolean failed, List<String> hints) {
    public BlockCompaction {
        sources = List.copyOf(sources);
        parents = List.copyOf(parents);
        hints = List.copyOf(hints);
    }

    /** The compaction section of a fresh level-1 block that is its own source. */
    public static BlockCompaction level1(Ulid self) {
        return new BlockCompaction(1, List.of(self), false, List.of(), false, List.of());
    }
}
