package dev.cairn.tsdb.block;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code meta.json} through Jackson's tree model (no data binding, so the field
 * names and their Go spelling stay visible here).
 *
 * <p>Reading follows Prometheus: unknown fields are ignored, {@code version} must be 1. It is
 * stricter about what Prometheus would silently zero: a missing or mistyped {@code ulid},
 * {@code minTime}, {@code maxTime} or {@code version} is a {@link CorruptionException} naming the
 * file and the field. Writing mirrors Go's {@code json.MarshalIndent} with Prometheus's and Thanos's
 * field order and {@code omitempty} rules, and replaces the file atomically.
 */
public final class MetaJson {
    public static final String FILENAME = "meta.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final java.util.Set<String> KNOWN_THANOS_FIELDS =
            java.util.Set.of("version", "labels", "downsample", "source", "segment_files", "files");

    private MetaJson() {
    }

    /** Reads {@code dir/meta.json}. */
    public static BlockMeta read(Path dir) throws IOException {
        Path file = dir.resolve(FILENAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptionException(file.toString(), -1,
                    "meta.json is missing; the directory is not a complete block (an interrupted write leaves none)");
        }
        return parse(bytes, file.toString());
    }

    /** Parses meta.json text; {@code file} names it in errors. */
    public static BlockMeta parse(byte[] bytes, String file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            long off = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new CorruptionException(file, off, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorruptionException(file, -1, "cannot parse: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new CorruptionException(file, 0, "empty file, want a JSON object");
        }
        Fields f = new Fields(file);
        f.object(root, "");
        int version = f.requiredInt(root, "version");
        if (version != BlockMeta.VERSION_1) {
            throw new CorruptionException(file, -1, "unexpected meta file version " + version + ", only 1 is known");
        }
        Ulid ulid = f.ulid(f.required(root, "ulid"), "ulid");
        long minTime = f.requiredLong(root, "minTime");
        long maxTime = f.requiredLong(root, "maxTime");
        if (maxTime < minTime) {
            throw new CorruptionException(file, -1, "maxTime " + maxTime + " is before minTime " + minTime);
        }
        BlockStats stats = BlockStats.EMPTY;
        JsonNode s = root.get("stats");
        if (s != null && !s.isNull()) {
            f.object(s, "stats");
            stats = new BlockStats(f.optionalCount(s, "stats.", "numSamples"), f.optionalCount(s, "stats.", "numSeries"),
                    f.optionalCount(s, "stats.", "numChunks"), f.optionalCount(s, "stats.", "numTombstones"));
        }
        BlockCompaction compaction = new BlockCompaction(0, List.of(), false, List.of(), false, List.of());
        JsonNode c = root.get("compaction");
        if (c != null && !c.isNull()) {
            f.object(c, "compaction");
            List<Ulid> sources = new ArrayList<>();
            for (JsonNode u : f.optionalArray(c, "compaction.sources")) {
                sources.add(f.ulid(u, "compaction.sources[]"));
            }
            List<BlockDesc> parents = new ArrayList<>();
            for (JsonNode p : f.optionalArray(c, "compaction.parents")) {
                f.object(p, "compaction.parents[]");
                parents.add(new BlockDesc(f.ulid(f.required(p, "ulid"), "compaction.parents[].ulid"),
                        f.requiredLong(p, "minTime"), f.requiredLong(p, "maxTime")));
            }
            List<String> hints = new ArrayList<>();
            for (JsonNode h : f.optionalArray(c, "compaction.hints")) {
                hints.add(f.text(h, "compaction.hints[]"));
            }
            compaction = new BlockCompaction((int) f.optionalCount(c, "compaction.", "level"), sources,
                    f.optionalBool(c, "deletable"), parents, f.optionalBool(c, "failed"), hints);
        }
        ThanosMeta thanos = null;
        JsonNode t = root.get("thanos");
        if (t != null && !t.isNull()) {
            thanos = readThanos(f, t);
        }
        return new BlockMeta(ulid, minTime, maxTime, stats, compaction, version, thanos);
    }

    private static ThanosMeta readThanos(Fields f, JsonNode t) {
        f.object(t, "thanos");
        int version = (int) f.optionalCount(t, "thanos.", "version");
        if (version == 0) {
            version = 1; // the first Thanos meta had no version; Thanos reads it as 1
        }
        if (version != 1) {
            throw new CorruptionException(f.file, -1, "unexpected thanos section version " + version + ", only 1 is known");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode l = t.get("labels");
        if (l != null && !l.isNull()) {
            f.object(l, "thanos.labels");
            for (Map.Entry<String, JsonNode> e : l.properties()) {
                labels.put(e.getKey(), f.text(e.getValue(), "thanos.labels." + e.getKey()));
            }
        }
        long resolution = 0;
        JsonNode d = t.get("downsample");
        if (d != null && !d.isNull()) {
            f.object(d, "thanos.downsample");
            resolution = f.optionalCount(d, "thanos.downsample.", "resolution");
        }
        JsonNode src = t.get("source");
        String source = src == null || src.isNull() ? "" : f.text(src, "thanos.source");
        List<String> segments = new ArrayList<>();
        for (JsonNode sf : f.optionalArray(t, "thanos.segment_files")) {
            segments.add(f.text(sf, "thanos.segment_files[]"));
        }
        List<ThanosFile> files = new ArrayList<>();
        for (JsonNode fl : f.optionalArray(t, "thanos.files")) {
            f.object(fl, "thanos.files[]");
            String rel = f.text(f.required(fl, "rel_path"), "thanos.files[].rel_path");
            long size = f.optionalCount(fl, "thanos.files[].", "size_bytes");
            String hashFunc = null;
            String hash = null;
            JsonNode h = fl.get("hash");
            if (h != null && !h.isNull()) {
                f.object(h, "thanos.files[].hash");
                JsonNode hf = h.get("hashFunc");
                JsonNode hv = h.get("value");
                hashFunc = hf == null ? "" : f.text(hf, "thanos.files[].hash.hashFunc");
                hash = hv == null ? "" : f.text(hv, "thanos.files[].hash.value");
            }
            files.add(new ThanosFile(rel, size, hashFunc, hash));
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : t.properties()) {
            if (!KNOWN_THANOS_FIELDS.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        return new ThanosMeta(version, labels, resolution, source, segments, files, extra);
    }

    /** The JSON text for {@code meta}, as Prometheus (no thanos section) or Thanos would write it. */
    public static byte[] format(BlockMeta meta) {
        ObjectNode root = F.objectNode();
        root.put("ulid", meta.ulid().toString());
        root.put("minTime", meta.minTime());
        root.put("maxTime", meta.maxTime());
        ObjectNode stats = root.putObject("stats");
        putIfNotZero(stats, "numSamples", meta.stats().numSamples());
        putIfNotZero(stats, "numSeries", meta.stats().numSeries());
        putIfNotZero(stats, "numChunks", meta.stats().numChunks());
        putIfNotZero(stats, "numTombstones", meta.stats().numTombstones());
        BlockCompaction c = meta.compaction();
        ObjectNode comp = root.putObject("compaction");
        comp.put("level", c.level());
        if (!c.sources().isEmpty()) {
            ArrayNode a = comp.putArray("sources");
            c.sources().forEach(u -> a.add(u.toString()));
        }
        if (c.deletable()) {
            comp.put("deletable", true);
        }
        if (!c.parents().isEmpty()) {
            ArrayNode a = comp.putArray("parents");
            for (BlockDesc p : c.parents()) {
                ObjectNode o = a.addObject();
                o.put("ulid", p.ulid().toString());
                o.put("minTime", p.minTime());
                o.put("maxTime", p.maxTime());
            }
        }
        if (c.failed()) {
            comp.put("failed", true);
        }
        if (!c.hints().isEmpty()) {
            ArrayNode a = comp.putArray("hints");
            c.hints().forEach(a::add);
        }
        root.put("version", meta.version());
        ThanosMeta t = meta.thanos();
        if (t != null) {
            ObjectNode th = root.putObject("thanos");
            if (t.version() != 0) {
                th.put("version", t.version());
            }
            ObjectNode labels = th.putObject("labels");
            t.labels().forEach(labels::put);
            th.putObject("downsample").put("resolution", t.downsampleResolution());
            th.put("source", t.source());
            if (!t.segmentFiles().isEmpty()) {
                ArrayNode a = th.putArray("segment_files");
                t.segmentFiles().forEach(a::add);
            }
            if (!t.files().isEmpty()) {
                ArrayNode a = th.putArray("files");
                for (ThanosFile file : t.files()) {
                    ObjectNode o = a.addObject();
                    o.put("rel_path", file.relPath());
                    putIfNotZero(o, "size_bytes", file.sizeBytes());
                    if (file.hash() != null) {
                        ObjectNode h = o.putObject("hash");
                        h.put("hashFunc", file.hashFunc());
                        h.put("value", file.hash());
                    }
                }
            }
            // Fields we do not model go back as read, after ours (Thanos's order for the usual ones).
            t.extra().forEach((k, v) -> th.set(k, v.deepCopy()));
        }
        // Prometheus writes MarshalIndent output (no newline), Thanos a json.Encoder line (newline).
        String text = GoJson.print(root) + (t != null ? "\n" : "");
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code dir/meta.json} atomically (tmp file, fsync, rename, fsync of {@code dir}). */
    public static void write(Path dir, BlockMeta meta) throws IOException {
        DurableFiles.writeAtomically(dir.resolve(FILENAME), format(meta));
    }

    private static void putIfNotZero(ObjectNode o, String name, long v) {
        if (v != 0) {
            o.put(name, v);
        }
    }

    /** Typed field access whose errors name the file and the JSON path. */
    private static final class Fields {
        final String file;

        Fields(String file) {
            this.file = file;
        }

        CorruptionException bad(String path, String what) {
            return new CorruptionException(file, -1, "field \"" + path + "\" " + what);
        }

        void object(JsonNode n, String path) {
            if (!n.isObject()) {
                throw new CorruptionException(file, -1, (path.isEmpty() ? "top level" : "field \"" + path + "\"")
                        + " is " + n.getNodeType().toString().toLowerCase() + ", want a JSON object");
            }
        }

        JsonNode required(JsonNode o, String name) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                throw new CorruptionException(file, -1, "required field \"" + name + "\" is missing");
            }
            return n;
        }

        long requiredLong(JsonNode o, String name) {
            JsonNode n = required(o, name);
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw bad(name, "is " + n + ", want an integer (milliseconds)");
            }
            return n.longValue();
        }

        int requiredInt(JsonNode o, String name) {
            JsonNode n = required(o, name);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw bad(name, "is " + n + ", want an integer");
            }
            return n.intValue();
        }

        long optionalCount(JsonNode o, String prefix, String name) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                return 0;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
                throw bad(prefix + name, "is " + n + ", want a non-negative integer");
            }
            return n.longValue();
        }

        boolean optionalBool(JsonNode o, String name) {
            JsonNode n = o.get(name);
            if (n == null || n.isNull()) {
                return false;
            }
            if (!n.isBoolean()) {
                throw bad(name, "is " + n + ", want true or false");
            }
            return n.booleanValue();
        }

        Iterable<JsonNode> optionalArray(JsonNode o, String path) {
            JsonNode n = o.get(path.substring(path.lastIndexOf('.') + 1));
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw bad(path, "is " + n.getNodeType().toString().toLowerCase() + ", want an array");
            }
            return n;
        }

        String text(JsonNode n, String path) {
            if (!n.isTextual()) {
                throw bad(path, "is " + n + ", want a string");
            }
            return n.textValue();
        }

        Ulid ulid(JsonNode n, String path) {
            String s = text(n, path);
            try {
                return Ulid.parse(s);
            } catch (IllegalArgumentException e) {
                throw bad(path, "is not a ULID: " + e.getMessage());
            }
        }
    }
}
