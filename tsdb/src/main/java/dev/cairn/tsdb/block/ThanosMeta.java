package dev.cairn.tsdb.block;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code thanos} section of meta.json (Thanos pkg/block/metadata): what a bucket needs beyond
 * Prometheus's own fields.
 *
 * @param version              version of this section, 1
 * @param labels               the external labels of the producer (they identify a compaction group)
 * @param downsampleResolution 0 for raw data, 300000 (5m) or 3600000 (1h) for downsampled blocks
 * @param source               who made the block: "sidecar", "receive", "compactor", ...
 * @param segmentFiles         names of the chunk segment files, sorted (deprecated in Thanos, still read)
 * @param files                every file of the block directory with its size, sorted by path
 * @param extra                other fields of the section (index_stats, rewrites, extensions, upload_time...)
 *                             as read, kept so that rewriting a Thanos meta.json does not drop them
 */
public record ThanosMeta(int version, Map<String, String> labels, long downsampleResolution, String source,
                         List<String> segmentFiles, List<ThanosFile> files, Map<String, JsonNode> extra) {
    public static final String SOURCE_SIDECAR = "sidecar";
    public static final String SOURCE_RECEIVE = "receive";
    public static final String SOURCE_COMPACTOR = "compactor";

    public ThanosMeta {
        // Sorted so the JSON we write is stable, as Go sorts map keys when marshalling.
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        segmentFiles = List.copyOf(segmentFiles);
        files = List.copyOf(files);
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        extra.forEach((k, v) -> copy.put(k, v.deepCopy()));
        extra = java.util.Collections.unmodifiableMap(copy);
    }

    public ThanosMeta(int version, Map<String, String> labels, long downsampleResolution, String source,
                      List<String> segmentFiles, List<ThanosFile> files) {
        this(version, labels, downsampleResolution, source, segmentFiles, files, Map.of());
    }

    public ThanosMeta(Map<String, String> labels, long downsampleResolution, String source) {
        this(1, labels, downsampleResolution, source, List.of(), List.of());
    }

    public ThanosMeta withFiles(List<ThanosFile> newFiles) {
        return new ThanosMeta(version, labels, downsampleResolution, source, segmentFiles, newFiles, extra);
    }
}
