package dev.cairn.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The next release of a built .deb, for upgrade tests: the same files and maintainer scripts under a higher
 * Debian revision, with the version pins between our packages moved along, and optionally a changed default
 * in some shipped files (as when a new release changes a default config).
 *
 * <p>Why not a second Maven build with another version: the packages need the whole reactor (tsdb, storeapi,
 * agent, appliance) built again, which takes minutes on the CI machine, and the module cannot resolve the
 * reactor's artifacts on its own without {@code mvn install}. What an upgrade exercises that is ours is the
 * maintainer scripts and the conffile declarations, and those are exactly the built ones here.
 */
final class DebRebuild {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private DebRebuild() {
    }

    /** {@code 0.1.0~SNAPSHOT-1} becomes {@code 0.1.0~SNAPSHOT-1.1}: a later Debian revision of the same upstream. */
    static String nextVersion(String version) {
        return version + ".1";
    }

    /**
     * Writes {@code deb} with version {@code to} (and {@code (= from)} pins changed to {@code (= to)}) into
     * {@code outDir}; {@code appendTo} maps paths inside the package (e.g. {@code etc/cairn/agent.yaml}) to
     * text appended to them.
     */
    static Path rebuild(Path deb, String from, String to, Map<String, String> appendTo, Path work, Path outDir) throws IOException {
        Path tree = work.resolve(deb.getFileName() + ".tree");
        ExternalTool.Result x = ExternalTool.run(work, TIMEOUT, "dpkg-deb", "--raw-extract", deb.toString(), tree.toString());
        assertEquals(0, x.exitCode(), x.toString());
        Path control = tree.resolve("DEBIAN/control");
        String c = Files.readString(control);
        assertTrue(c.contains("\nVersion: " + from + "\n"), "unexpected control of " + deb + ":\n" + c);
        Files.writeString(control, c.replace("\nVersion: " + from + "\n", "\nVersion: " + to + "\n")
                .replace("(= " + from + ")", "(= " + to + ")"));
        Path md5sums = tree.resolve("DEBIAN/md5sums");
        List<String> sums = new ArrayList<>(Files.readAllLines(md5sums));
        for (Map.Entry<String, String> e : appendTo.entrySet()) {
            Path f = tree.resolve(e.getKey());
            assertTrue(Files.isRegularFile(f), deb + " has no " + e.getKey());
            Files.writeString(f, e.getValue(), StandardOpenOption.APPEND);
            // dpkg checks nothing against md5sums on install, but debsums and `dpkg --verify` do: keep it true.
            String sum = md5(f);
            sums.replaceAll(line -> line.endsWith("  " + e.getKey()) ? sum + "  " + e.getKey() : line);
        }
        Files.write(md5sums, sums);
        Path out = outDir.resolve(deb.getFileName().toString().replace("_" + from + "_", "_" + to + "_"));
        ExternalTool.Result b = ExternalTool.run(work, TIMEOUT, "dpkg-deb", "--root-owner-group",
                "-Zgzip", "-z1", // dpkg-deb's default xz takes a minute for the 40 MB jar on a busy 2-core machine
                "--build", tree.toString(), out.toString());
        assertEquals(0, b.exitCode(), b.toString());
        return out;
    }

    private static String md5(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String version(Path deb) {
        ExternalTool.Result r = ExternalTool.run(deb.getParent(), TIMEOUT, "dpkg-deb", "--field", deb.toString(), "Version");
        assertEquals(0, r.exitCode(), r.toString());
        return r.output().strip();
    }
}
