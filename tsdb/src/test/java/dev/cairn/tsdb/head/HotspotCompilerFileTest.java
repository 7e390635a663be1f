package dev.cairn.tsdb.head;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compile commands the launchers pass to every Cairn JVM (src/main/jvm/hotspot_compiler) name
 * methods by string: a rename would silently drop a command and with it the cold-start ingest
 * speed they buy. Each named method must still exist, and a real JVM must parse the file.
 */
class HotspotCompilerFileTest {
    private static final Path FILE = Path.of("src/main/jvm/hotspot_compiler");

    @Test
    void everyNamedMethodExists() throws Exception {
        List<String> commands = commands();
        assertTrue(commands.size() >= 5, "expected the head's dontinline commands, found " + commands);
        for (String c : commands) {
            String[] parts = c.split("\\s+");
            assertEquals(2, parts.length, "one command and one method per line: " + c);
            assertEquals("dontinline", parts[0], c);
            int dot = parts[1].lastIndexOf('.');
            String className = parts[1].substring(0, dot).replace('/', '.');
            String method = parts[1].substring(dot + 1);
            Class<?> cls = Class.forName(className);
            boolean found = Arrays.stream(cls.getDeclaredMethods()).map(Method::getName).anyMatch(method::equals);
            assertTrue(found, className + " has no method " + method + " (renamed? update " + FILE + ")");
        }
    }

    @Test
    void theJvmParsesTheFile() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-XX:CompileCommandFile=" + FILE.toAbsolutePath(), "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not finish");
        assertEquals(0, p.exitValue(), out);
        // HotSpot reports a bad line on stdout and goes on without it; "quiet" keeps good lines silent
        assertFalse(out.contains("CompileCommand"), out);
        assertTrue(out.contains("version"), out);
    }

    private static List<String> commands() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(FILE)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && !l.equals("quiet")) {
                out.add(l);
            }
        }
        return out;
    }
}
