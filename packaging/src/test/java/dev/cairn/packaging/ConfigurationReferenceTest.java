package dev.cairn.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Keeps {@code docs/configuration.md} true. Each config has three spellings that must agree: the reference
 * table in the docs, the packaged conffile (every key shown with its default, commented out) and the
 * config classes' loader. The test ties them together:
 * <ol>
 *   <li>the reference lists exactly the keys of the conffile (both directions), with the same defaults;
 *   <li>the conffile with every commented key uncommented is accepted by the loader — and since the loaders
 *       refuse unknown keys, every documented key is one the config classes know;
 *   <li>the conffile with one documented key set to its documented default loads to the same configuration as
 *       the conffile as shipped (so a documented default is the one the code uses); rows marked "(no default)"
 *       document an example or a value derived from another key.
 * </ol>
 */
class ConfigurationReferenceTest {
    private static final Path ROOT = Path.of("..");
    private static final Path REFERENCE = ROOT.resolve("docs/configuration.md");
    private static final Path APPLIANCE_CONFFILE = ROOT.resolve("packaging/src/pkg/appliance/appliance.yaml");
    private static final Path AGENT_CONFFILE = ROOT.resolve("packaging/src/pkg/agent/agent.yaml");
    /** A commented example: "# key: value" (any indentation); prose after "# " never starts with "key: ". */
    private static final Pattern EXAMPLE = Pattern.compile("^( *)# ( *[a-z_0-9]+:(?: |$))", Pattern.MULTILINE);
    /** A reference row: | `dotted.key` | `default` | meaning |; an example value says "(no default)" in its meaning. */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_0-9.]+)` \\| `(.*?)` \\| (.*)\\|$", Pattern.MULTILINE);
    private static final String NO_DEFAULT = "(no default)";

    @TempDir
    Path tmp;

    @Test
    void applianceReference_matchesTheConffileAndTheLoader() throws Exception {
        Map<String, String> reference = referenceSection("appliance.yaml");
        String conffile = Files.readString(APPLIANCE_CONFFILE);
        String uncommented = uncomment(conffile);
        compareKeysAndDefaults("appliance.yaml", reference, leaves(uncommented));
        loadAppliance(uncommented); // every documented key, examples included, is one the loader knows
        Object shipped = loadAppliance(conffile);
        for (Map.Entry<String, String> e : reference.entrySet()) {
            if (!e.getValue().startsWith(NO_DEFAULT)) {
                assertEquals(shipped, loadAppliance(with(conffile, e.getKey(), e.getValue())), "appliance.yaml: `"
                        + e.getKey() + ": " + e.getValue() + "` (the documented default) changes the configuration");
            }
        }
    }

    @Test
    void agentReference_matchesTheConffileAndTheLoader() throws Exception {
        Map<String, String> reference = referenceSection("agent.yaml");
        // the agent refuses to start without appliance.url, which has no default: give one to every variant
        String conffile = with(Files.readString(AGENT_CONFFILE), "appliance.url",
                "https://appliance.example:19291/api/v1/write");
        String uncommented = uncomment(Files.readString(AGENT_CONFFILE));
        compareKeysAndDefaults("agent.yaml", reference, leaves(uncommented));
        dev.cairn.agent.config.ConfigLoader.parse(uncommented, "agent.yaml, every example uncommented");
        Object shipped = dev.cairn.agent.config.ConfigLoader.parse(conffile, "agent.yaml");
        for (Map.Entry<String, String> e : reference.entrySet()) {
            if (!e.getValue().startsWith(NO_DEFAULT)) {
                assertEquals(shipped, dev.cairn.agent.config.ConfigLoader.parse(with(conffile, e.getKey(), e.getValue()),
                        "agent.yaml"), "agent.yaml: `" + e.getKey() + ": " + e.getValue()
                        + "` (the documented default) changes the configuration");
            }
        }
    }

    @Test
    void reference_rowsAreWellFormed() throws IOException {
        String text = Files.readString(REFERENCE);
        for (String line : text.split("\n")) {
            if (line.startsWith("| `") && !ROW.matcher(line).find()) {
                fail("docs/configuration.md: a table row the test cannot read (want | `key` | `default` | meaning |): " + line);
            }
        }
        assertFalse(referenceSection("appliance.yaml").isEmpty());
        assertFalse(referenceSection("agent.yaml").isEmpty());
    }

    // ---- the three spellings -------------------------------------------------------------------

    /** Rows of the section whose heading names the file ("## appliance.yaml ..."), key → default text. */
    private static Map<String, String> referenceSection(String file) throws IOException {
        String text = Files.readString(REFERENCE);
        int start = text.indexOf("\n## " + file);
        assertTrue(start >= 0, "docs/configuration.md has no section '## " + file + "'");
        int end = text.indexOf("\n## ", start + 4);
        String section = text.substring(start, end < 0 ? text.length() : end);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            String value = m.group(3).contains(NO_DEFAULT) ? NO_DEFAULT + m.group(2) : m.group(2);
            if (rows.put(m.group(1), value) != null) {
                fail("docs/configuration.md, " + file + ": key " + m.group(1) + " is listed twice");
            }
        }
        return rows;
    }

    private static String uncomment(String conffile) {
        return EXAMPLE.matcher(conffile).replaceAll("$1$2");
    }

    /** Dotted paths of the YAML's leaves: scalars, lists and empty maps. */
    private static Map<String, Object> leaves(String yaml) {
        Object root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        Map<String, Object> out = new LinkedHashMap<>();
        walk("", root, out);
        return out;
    }

    private static void walk(String prefix, Object node, Map<String, Object> out) {
        if (node instanceof Map<?, ?> m && !m.isEmpty()) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!prefix.isEmpty()) {
            out.put(prefix, node);
        }
    }

    private static void compareKeysAndDefaults(String file, Map<String, String> reference, Map<String, Object> conffile) {
        TreeSet<String> undocumented = new TreeSet<>(conffile.keySet());
        undocumented.removeAll(reference.keySet());
        TreeSet<String> notInConffile = new TreeSet<>(reference.keySet());
        notInConffile.removeAll(conffile.keySet());
        assertTrue(undocumented.isEmpty() && notInConffile.isEmpty(), file + ": docs/configuration.md and the conffile"
                + " disagree; in the conffile only: " + undocumented + "; in the reference only: " + notInConffile);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : reference.entrySet()) {
            Object documented = scalar(e.getValue().startsWith(NO_DEFAULT)
                    ? e.getValue().substring(NO_DEFAULT.length()) : e.getValue());
            Object shipped = conffile.get(e.getKey());
            if (!Objects.equals(normal(documented), normal(shipped))) {
                wrong.add(e.getKey() + ": reference `" + e.getValue() + "`, conffile " + shipped);
            }
        }
        assertTrue(wrong.isEmpty(), file + ": defaults differ between docs/configuration.md and the conffile: " + wrong);
    }

    private static Object scalar(String text) {
        return text.isEmpty() ? null : new Load(LoadSettings.builder().build()).loadFromString("v: " + text) instanceof Map<?, ?> m
                ? m.get("v") : null;
    }

    /** An empty map/list and null are the same "nothing" in a conffile's example; numbers compare by text. */
    private static Object normal(Object o) {
        if (o instanceof Map<?, ?> m && m.isEmpty() || o instanceof List<?> l && l.isEmpty() || o == null) {
            return "";
        }
        return o instanceof Number || o instanceof Boolean ? o.toString() : o;
    }

    /** The YAML document with {@code dotted.key} set to {@code value} (a YAML scalar or flow collection). */
    @SuppressWarnings("unchecked")
    private static String with(String yaml, String dotted, String value) {
        Object root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        Map<String, Object> node = root instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
        Map<String, Object> top = node;
        String[] parts = dotted.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = node.get(parts[i]);
            if (!(next instanceof Map<?, ?>)) {
                next = new LinkedHashMap<String, Object>();
                node.put(parts[i], next);
            }
            node = (Map<String, Object>) next;
        }
        node.put(parts[parts.length - 1], scalar(value));
        return new Dump(DumpSettings.builder().build()).dumpToString(top);
    }

    // ---- the loaders -------------------------------------------------------------------------------

    /**
     * Loads an appliance.yaml with the packaged /var/lib paths moved under a scratch directory, where the PEM
     * files it names exist (the loader checks they are readable; their content is read at start).
     */
    private Object loadAppliance(String yaml) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "appliance");
        String moved = yaml.replace("/var/lib/cairn/", dir + "/var/lib/cairn/");
        java.util.regex.Matcher files = Pattern.compile("_file: (/\\S+)").matcher(moved);
        while (files.find()) {
            Path f = Path.of(files.group(1));
            Files.createDirectories(f.getParent());
            Files.writeString(f, "");
        }
        Path file = dir.resolve("appliance.yaml");
        Files.writeString(file, moved);
        Object loaded = dev.cairn.appliance.config.ConfigLoader.load(file, dir.resolve("var/lib/cairn/appliance"), null,
                "127.0.0.1:0");
        return loaded.toString().replace(dir.toString(), "<tmp>");
    }
}
