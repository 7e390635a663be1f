package dev.cairn.agent.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.storeapi.store.TimeRange;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The time range the sidecar announces in Info: [oldest sample Prometheus may hold, +inf).
 *
 * <p>How the lower bound is found, best first:
 * <ol>
 *   <li>With the data directory readable: the smallest {@code minTime} of the blocks' meta.json files,
 *       and the head's {@code headStats.minTime} from {@code /api/v1/status/tsdb} (data not yet in a
 *       block).</li>
 *   <li>Otherwise: now minus {@code storage.tsdb.retention.time} from {@code /api/v1/status/flags}
 *       (Prometheus deletes older data, so nothing older can be there; it may announce a little
 *       more than is held, which only costs a query that finds nothing).</li>
 * </ol>
 * A query of the oldest sample ({@code timestamp()} over every series) would be exact but reads all data;
 * it is not used. When Prometheus cannot be asked the last known range is kept (or all time at first:
 * announcing too little would hide data). Answers are cached for {@code refresh} because queriers ask
 * Info every few seconds. Thread-safe.
 */
final class PrometheusTimeRange {
    private final PrometheusApi api;
    private final Path dataDir;
    private final long refreshNanos;
    private final ObjectMapper json = new ObjectMapper();
    private TimeRange last = TimeRange.ALL;
    private long lastAt;
    private boolean known;

    PrometheusTimeRange(PrometheusApi api, Path dataDir, Duration refresh) {
        this.api = api;
        this.dataDir = dataDir;
        this.refreshNanos = refresh.toNanos();
    }

    synchronized TimeRange get() {
        long now = System.nanoTime();
        if (known && now - lastAt < refreshNanos) {
            return last;
        }
        try {
            last = new TimeRange(minTime(), Long.MAX_VALUE);
            known = true;
            lastAt = now;
        } catch (IOException | RuntimeException e) {
            // keep the last range; the next Info tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return last;
    }

    long minTime() throws IOException, InterruptedException {
        if (dataDir != null && Files.isDirectory(dataDir)) {
            long min = api.headMinTime();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir)) {
                for (Path d : dirs) {
                    Path meta = d.resolve("meta.json");
                    if (Files.isRegularFile(meta)) {
                        JsonNode m = json.readTree(meta.toFile());
                        if (m.has("minTime")) {
                            min = Math.min(min, m.get("minTime").asLong());
                        }
                    }
                }
            }
            // an empty Prometheus: announce from now on, so the first samples are covered
            return min == Long.MAX_VALUE ? System.currentTimeMillis() : min;
        }
        String retention = api.flags().get("storage.tsdb.retention.time");
        long keep = retention == null ? 0 : PromDuration.parseMillis(retention, "storage.tsdb.retention.time");
        if (keep <= 0) {
            keep = 15L * 86_400_000L; // Prometheus's default when neither time nor size is set
        }
        return System.currentTimeMillis() - keep;
    }
}
