package dev.cairn.tsdb.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The shipper's memory, {@code shipper.json}, in the shape of Thanos's {@code thanos.shipper.json}:
 * <pre>{
 * 	"version": 1,
 * 	"uploaded": [
 * 		"01H...",
 * 		...
 * 	]
 * }</pre>
 * It only saves bucket lookups: a block missing from it is looked up in the bucket before an upload.
 */
final class ShipperState {
    static final int VERSION_1 = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ShipperState() {
    }

    /**
     * The uploaded blocks recorded in {@code file}; empty when the file does not exist.
     *
     * @throws CorruptionException when the file is not a version 1 shipper state
     */
    static SortedSet<Ulid> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new TreeSet<>();
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptionException(file.toString(), -1, "not valid JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new CorruptionException(file.toString(), 0, "not a JSON object");
        }
        JsonNode v = n.get("version");
        if (v == null || !v.isInt() || v.intValue() != VERSION_1) {
            throw new CorruptionException(file.toString(), -1, "shipper state version " + v + ", only 1 is known");
        }
        SortedSet<Ulid> out = new TreeSet<>();
        JsonNode up = n.get("uploaded");
        if (up == null || up.isNull()) {
            return out; // Go writes a nil slice as null
        }
        if (!up.isArray()) {
            throw new CorruptionException(file.toString(), -1, "field \"uploaded\" is not an array");
        }
        for (JsonNode u : up) {
            if (!u.isTextual() || !Ulid.isValid(u.textValue())) {
                throw new CorruptionException(file.toString(), -1, "field \"uploaded\" holds " + u + ", not a ULID");
            }
            out.add(Ulid.parse(u.textValue()));
        }
        return out;
    }

    /** Replaces {@code file} atomically (tmp file, fsync, rename, fsync of the directory). */
    static void write(Path file, Collection<Ulid> uploaded) throws IOException {
        StringBuilder sb = new StringBuilder("{\n\t\"version\": 1,\n\t\"uploaded\": [");
        List<Ulid> sorted = List.copyOf(new TreeSet<>(uploaded));
        for (int i = 0; i < sorted.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append("\t\t\"").append(sorted.get(i)).append('"');
        }
        sb.append(sorted.isEmpty() ? "]\n}\n" : "\n\t]\n}\n");
        try {
            DurableFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("write shipper state " + file + ": " + e.getMessage(), e);
        }
    }
}
