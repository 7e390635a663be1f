package dev.cairn.packaging;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A clean Debian 12 root file system made by {@code debootstrap}, for booting with systemd-nspawn.
 *
 * <p>Besides the minimal base it holds what a Cairn host has from Debian before our packages arrive: systemd
 * as init, Java 17 (the packages' dependency), {@code prometheus} (the peer that remote-writes to the agent),
 * {@code puppet} with Debian's stdlib module, and curl and apt-utils for the test's own checks and a local
 * apt repository. Nothing of Cairn is in it.
 *
 * <p>From scratch this takes about 75 s on an idle 2-core machine (downloads included; the .debs are kept in
 * {@code <cache>/debs} for the next build), and several minutes when the machine is busy.
 *
 * <p>The root is cached under {@code /var/cache/cairn-test/<key>/root} (outside the checkout; another place
 * with {@code CAIRN_TEST_CACHE}), keyed by {@link #KEY}: change the key whenever the recipe below changes.
 * Containers boot it with {@code --volatile=overlay}, so it is never written after it is built, and a
 * later run starts from the same clean state. A build goes to a scratch directory first and is renamed into
 * place when complete, under a file lock, so an interrupted or concurrent run never sees half a root.
 */
final class DebianRoot {

    /** Bump the leading number when the recipe changes: a new key builds a new root next to the old one. */
    static final String KEY = "1-bookworm-minbase";

    static final String SUITE = "bookworm";

    /** Debian packages added to the minbase variant (debootstrap resolves their dependencies). */
    static final List<String> PACKAGES = List.of(
            "systemd", "systemd-sysv", "dbus",         // a booting init with a system bus for systemctl
            "openjdk-17-jre-headless",                 // what cairn-common's Depends: resolves to on bookworm
            "prometheus",                              // the real Prometheus 2.42 that remote-writes to the agent
            "puppet", "puppet-module-puppetlabs-stdlib", // puppet apply of cairn::agent (the module needs stdlib)
            "apt-utils",                               // apt-ftparchive: a local repository for Puppet's apt provider
            "curl");                                   // queries the appliance's HTTP API from inside

    /** How long a build from scratch may take: about 75 s on an idle machine, over 4 min on a busy one. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

    private DebianRoot() {
    }

    static Path cacheDir() {
        return Path.of(System.getenv().getOrDefault("CAIRN_TEST_CACHE", "/var/cache/cairn-test"));
    }

    static String mirror() {
        return System.getenv().getOrDefault("CAIRN_DEBIAN_MIRROR", "http://deb.debian.org/debian");
    }

    /** The cached root, built first if missing. Fails with what to install or do when it cannot be built. */
    static Path get() {
        ExternalTool.require("debootstrap", "debootstrap");
        Path cache = cacheDir();
        String key = KEY + "-" + digest(String.join(",", PACKAGES) + " " + mirror());
        Path dir = cache.resolve(key);
        Path root = dir.resolve("root");
        Path ready = dir.resolve("READY");
        try {
            Files.createDirectories(cache);
            // One builder at a time (another test JVM on this machine may want the same root).
            try (FileChannel ch = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.lock();
                try {
                    if (!Files.isRegularFile(ready) || !Files.isDirectory(root)) {
                        build(cache, dir);
                    }
                    return root;
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot prepare the Debian root under " + cache + ": " + e
                    + ". The test runs as root (it boots a container); set CAIRN_TEST_CACHE to a writable directory.", e);
        }
    }

    private static void build(Path cache, Path dir) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("debootstrap and systemd-nspawn need root; run the packaging tests as root (CI does)");
        }
        Path partial = cache.resolve(dir.getFileName() + ".partial");
        unmountBelow(partial); // a debootstrap killed mid-way leaves /proc and /sys mounted in its target
        ExternalTool.run(cache, Duration.ofMinutes(2), "rm", "-rf", "--one-file-system", partial.toString());
        // dpkg without fsync while debootstrap installs (the root is thrown away if the build fails); removed
        // again below, so the booted root has Debian's stock dpkg settings.
        Path unsafeIo = Files.createDirectories(partial.resolve("root/etc/dpkg/dpkg.cfg.d")).resolve("cairn-test-unsafe-io");
        Files.writeString(unsafeIo, "force-unsafe-io\n");
        Path debs = Files.createDirectories(cache.resolve("debs"));
        Path log = partial.resolve("debootstrap.log");
        long t0 = System.nanoTime();
        List<String> command = new ArrayList<>(List.of("debootstrap", "--variant=minbase",
                "--cache-dir=" + debs, // downloaded .debs stay here: a new key rebuilds without downloading again
                "--include=" + String.join(",", PACKAGES), SUITE, partial.resolve("root").toString(), mirror()));
        // debootstrap calls chroot, mount and dpkg's helpers from the sbin directories.
        Map<String, String> env = Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ExternalTool.Result r = ExternalTool.run(cache, BUILD_TIMEOUT, env, command);
        Files.writeString(log, r.output());
        if (r.exitCode() != 0) {
            fail("debootstrap failed (" + String.join(" ", command) + "); it needs " + mirror()
                    + " (CAIRN_DEBIAN_MIRROR sets another mirror). Last output:\n" + tail(r.output(), 40));
        }
        Path root = partial.resolve("root");
        Files.delete(unsafeIo);
        // apt's daily timers would take dpkg's lock at a random moment of the test (and find no network).
        for (String timer : List.of("apt-daily.timer", "apt-daily-upgrade.timer")) {
            Files.createSymbolicLink(root.resolve("etc/systemd/system").resolve(timer), Path.of("/dev/null"));
        }
        // The .debs are kept in the cache dir above, not in every root.
        ExternalTool.run(root, Duration.ofMinutes(1), "sh", "-c", "rm -f var/cache/apt/archives/*.deb");
        Files.writeString(partial.resolve("READY"), "debootstrap " + SUITE + " " + mirror() + " +" + PACKAGES + " in "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s\n", StandardCharsets.UTF_8);
        System.out.println("[DebianRoot] built " + dir + " in " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
        if (Files.exists(dir)) {
            ExternalTool.run(cache, Duration.ofMinutes(2), "rm", "-rf", "--one-file-system", dir.toString());
        }
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void unmountBelow(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath() + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String point = line.split(" ")[1];
            if (point.startsWith(prefix)) {
                mounts.add(point);
            }
        }
        mounts.sort(java.util.Comparator.reverseOrder()); // deepest first
        for (String m : mounts) {
            ExternalTool.run(Path.of("/"), Duration.ofSeconds(60), "umount", "--lazy", m);
        }
    }

    private static String digest(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
