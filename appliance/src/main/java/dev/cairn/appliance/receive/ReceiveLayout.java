package dev.cairn.appliance.receive;

import dev.cairn.tsdb.block.MetaJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The two layouts of the receive directory, and the checks that keep the appliance from reading one as the
 * other when {@code receive.tenancy} is switched: off, it is one TSDB ({@code wal/}, block directories,
 * {@code shipper.json}); on, it holds a directory per tenant, each such a TSDB. Read the wrong way, a
 * tenancy-off WAL would be ignored (its samples unshipped) or a tenant's directory opened as a stray block, so
 * the appliance refuses to start and says how to move the data.
 */
final class ReceiveLayout {
    /** WAL segment files are named by their number, eight digits. */
    private static final Pattern SEGMENT = Pattern.compile("\\d{8,}");

    private ReceiveLayout() {
    }

    /**
     * Whether {@code dir} itself is a TSDB: a head's WAL segments, head chunks or snapshot, blocks or a shipper
     * state at its top. A tenant's directory holds these one level down, even a tenant named {@code wal}.
     */
    static boolean isSingleTsdb(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(BlockShipping.STATE_FILE))) {
            return true;
        }
        // head chunk files, unless it is the directory of a tenant called chunks_head (which has its own wal/)
        Path headChunks = dir.resolve("chunks_head");
        if (Files.isDirectory(headChunks) && !Files.isDirectory(headChunks.resolve("wal"))) {
            return true;
        }
        Path wal = dir.resolve("wal");
        if (Files.isDirectory(wal)) {
            try (Stream<Path> s = Files.list(wal)) {
                if (s.anyMatch(p -> Files.isRegularFile(p) && SEGMENT.matcher(p.getFileName().toString()).matches())) {
                    return true;
                }
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isRegularFile(p.resolve(MetaJson.FILENAME))
                    || Files.isRegularFile(p) && p.getFileName().toString().startsWith("head_snapshot."));
        }
    }

    /** With tenancy on: refuses a directory that holds the single TSDB of tenancy off. */
    static void requireTenantLayout(Path dir, String defaultTenant) throws IOException {
        if (isSingleTsdb(dir)) {
            throw new IOException("receive.tenancy is on, but receive.dir " + dir + " holds the single head written"
                    + " with tenancy off (wal/, blocks, shipper.json). To keep that data as the default tenant's, stop"
                    + " the appliance and move those entries into " + dir.resolve(defaultTenant) + "/; or point"
                    + " receive.dir at an empty directory; or turn receive.tenancy off again");
        }
    }

    /** With tenancy off: refuses a directory that holds tenants' heads. */
    static void requireSingleLayout(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<String> found = new ArrayList<>();
        for (String name : tenantDirs(dir)) {
            if (isSingleTsdb(dir.resolve(name))) {
                found.add(name);
            }
        }
        if (!found.isEmpty()) {
            throw new IOException("receive.tenancy is off, but receive.dir " + dir + " holds the heads of tenants "
                    + found + " written with tenancy on; turn receive.tenancy on again, or let each tenant ship its"
                    + " blocks and point receive.dir at an empty directory");
        }
    }

    /** The directories of a tenancy-on receive directory that may be tenants (not temporary, not hidden). */
    static List<String> tenantDirs(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && !name.startsWith(".")) {
                    out.add(name);
                }
            }
        }
        out.sort(null);
        return out;
    }
}
