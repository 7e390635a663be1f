package dev.cairn.appliance.promql;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine (dev.cairn.appliance.promql, without its parser subpackage) may depend on Cairn only
 * through tsdb.storage, tsdb.labels, tsdb.chunk.ChunkIterator and the parser: it must not reach into
 * blocks, the head, indexes or other appliance packages. Checked by scanning the sources' imports and
 * fully qualified references.
 */
class ArchitectureTest {
    private static final Path SRC = Path.of("src/main/java/dev/cairn/appliance/promql");
    private static final Pattern CAIRN_REF = Pattern.compile("\\bdev\\.cairn\\.[a-zA-Z0-9_.]+");

    static boolean allowed(String ref) {
        return ref.startsWith("dev.cairn.tsdb.storage.") || ref.startsWith("dev.cairn.tsdb.labels.")
                || ref.equals("dev.cairn.tsdb.chunk.ChunkIterator")
                || ref.startsWith("dev.cairn.appliance.promql.parser.")
                || ref.startsWith("dev.cairn.appliance.promql.") && !ref.substring(27).contains(".")
                || ref.equals("dev.cairn.appliance.promql");
    }

    @Test
    void engine_importsOnlyStorageLabelsChunkIteratorAndParser() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.list(SRC)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                String text = Files.readString(p);
                Matcher m = CAIRN_REF.matcher(text);
                while (m.find()) {
                    String ref = m.group().replaceAll("\\.$", "");
                    if (!allowed(ref)) {
                        violations.add(p.getFileName() + ": " + ref);
                    }
                }
            }
        }
        assertTrue(files >= 10, "engine sources not found under " + SRC.toAbsolutePath());
        assertEquals(List.of(), violations);
    }

    @Test
    void allowedRule_rejectsBlockAndHeadPackages() {
        assertTrue(!allowed("dev.cairn.tsdb.block.BlockQuerier"));
        assertTrue(!allowed("dev.cairn.tsdb.chunk.XorChunk"));
        assertTrue(!allowed("dev.cairn.appliance.query.ProxyQuerier"));
        assertTrue(allowed("dev.cairn.tsdb.storage.Querier"));
        assertTrue(allowed("dev.cairn.appliance.promql.parser.Parser"));
    }
}
