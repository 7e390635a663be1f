package dev.cairn.tsdb.downsample;

/**
 * The window arithmetic and the per-window loop of Thanos's downsampling, shared by raw and aggregate
 * inputs.
 */
final class Windows {
    /** Raw data is assumed to be scraped once a minute when sizing chunks, as Thanos assumes. */
    static final long ASSUMED_RAW_INTERVAL = 60_000;
    /** Chunks are sized for fewer than this many windows each on average. */
    static final int TARGET_WINDOWS_PER_CHUNK = 140;

    private Windows() {
    }

    /** The last millisecond of the window of width {@code r} that {@code t} falls in (windows are [k·r, (k+1)·r)). */
    static long windowEnd(long t, long r) {
        return t - (t % r) + r - 1;
    }

    /** How many chunks a series of {@code count} inputs over [mint, maxt] should become. */
    static int targetChunkCount(long mint, long maxt, long inRes, long outRes, int count) {
        double maxSamples = (double) ((maxt - mint) / outRes);
        double fullness = count / ((double) (maxt - mint) / inRes);
        if (fullness > 1) {
            fullness = 1;
        }
        int expected = (int) (maxSamples * fullness) + 1;
        int x = 1;
        while (expected / x > TARGET_WINDOWS_PER_CHUNK) {
            x++;
        }
        return x;
    }

    /** Receives a finished window: its timestamp and the aggregator holding it. */
    interface WindowSink {
        void window(long t, Aggregator a);
    }

    /**
     * Feeds samples {@code [from, to)} into {@code a} window by window and hands each finished window
     * to {@code sink} at the window's last millisecond — except the batch's last window, stamped with
     * the batch's last sample so that the next batch cannot overlap it. Returns that last timestamp.
     */
    static long batch(long[] ts, double[] vs, int from, int to, long resolution, Aggregator a, WindowSink sink) {
        long lastT = ts[to - 1];
        long nextT = 0;
        boolean open = false;
        for (int i = from; i < to; i++) {
            long t = ts[i];
            if (!open || t > nextT) {
                if (open) {
                    sink.window(nextT, a);
                }
                a.reset();
                nextT = Math.min(windowEnd(t, resolution), lastT);
                open = true;
            }
            a.add(vs[i]);
        }
        if (a.total > 0) {
            sink.window(nextT, a);
        }
        return nextT;
    }
}
