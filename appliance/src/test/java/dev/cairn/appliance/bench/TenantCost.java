package dev.cairn.appliance.bench;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.receive.Tenants;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.labels.Labels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an idle tenant costs ({@code receive.tenancy}): opens N tenants with one series each and prints heap (after
 * GC), RSS, threads and disk per tenant. A rough figure for docs/configuration.md, not a test:
 * {@code java -Xmx2g -cp <appliance test classpath> dev.cairn.appliance.bench.TenantCost 200}.
 */
public final class TenantCost {
    private TenantCost() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("tenant-cost");
        ApplianceConfig.Tenancy on = new ApplianceConfig.Tenancy(true, "THANOS-TENANT", "default-tenant", "tenant_id");
        try (Tenants t = Tenants.open(dir.resolve("receive"), DbOptions.defaults(), on, 6 * 3_600_000L,
                FilesystemBucket.open(dir.resolve("bucket")), Map.of())) {
            write(t, "warm-up"); // classes loaded, pools filled, before the baseline
            long heap0 = heap();
            long rss0 = rssKiB();
            int threads0 = Thread.activeCount();
            for (int i = 0; i < n; i++) {
                write(t, "t" + i);
            }
            long heap1 = heap();
            long rss1 = rssKiB();
            int threads1 = Thread.activeCount();
            long disk;
            try (Stream<Path> s = Files.walk(dir.resolve("receive").resolve("t0"))) {
                disk = s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            System.out.printf("tenants=%d heap/tenant=%d KiB rss/tenant=%d KiB threads/tenant=%.2f"
                            + " file bytes of one tenant=%d%n", n, (heap1 - heap0) / n / 1024, (rss1 - rss0) / n,
                    (threads1 - threads0) / (double) n, disk);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(Tenants t, String tenant) throws Exception {
        t.write(new ArrayList<>(List.of(new DecodedSeries(Labels.of("__name__", "up"), new long[]{1}, new double[]{1}))),
                h -> tenant);
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long rssKiB() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
