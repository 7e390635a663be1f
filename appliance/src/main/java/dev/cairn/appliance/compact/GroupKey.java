package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.BlockMeta;

import java.util.Map;
import java.util.TreeMap;

/**
 * A compaction group, as Thanos's {@code compact.Group}: blocks with the same external labels and the same
 * downsample resolution, the only blocks that may be compacted together.
 */
record GroupKey(Map<String, String> labels, long resolution) implements Comparable<GroupKey> {
    GroupKey {
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    static GroupKey of(BlockMeta m) {
        return m.thanos() == null ? new GroupKey(Map.of(), 0)
                : new GroupKey(m.thanos().labels(), m.thanos().downsampleResolution());
    }

    @Override
    public int compareTo(GroupKey o) {
        int c = Long.compare(resolution, o.resolution);
        return c != 0 ? c : labels.toString().compareTo(o.labels.toString());
    }

    @Override
    public String toString() {
        return resolution + "@" + labels;
    }
}
