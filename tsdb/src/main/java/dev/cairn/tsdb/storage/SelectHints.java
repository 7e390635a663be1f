package dev.cairn.tsdb.storage;

/**
 * What the query around a select will do with the series, so that storage can answer cheaper or
 * better (Prometheus's storage.SelectHints, plus Thanos's resolution choice): a store of downsampled
 * blocks picks the aggregate by {@link #func()} and the resolution by {@link #step()} and
 * {@link #maxResolutionMs()}. Storage that has no use for hints ignores them; the answer must stay
 * correct either way.
 *
 * @param start           first timestamp the query reads, ms
 * @param end             last timestamp the query reads, ms
 * @param step            the query's step, ms; 0 for an instant query
 * @param func            the PromQL function the selector is an argument of ({@code rate},
 *                        {@code max_over_time}...), or "" for a plain selector
 * @param range           the range of a range selector ({@code [5m]}), ms; 0 for an instant selector
 * @param maxResolutionMs coarsest downsampling resolution the query accepts (Thanos's
 *                        {@code max_source_resolution}): 0 for raw data only, {@link #AUTO} for
 *                        {@code step / 5}
 */
public record SelectHints(long start, long end, long step, String func, long range, long maxResolutionMs) {
    /** {@link #maxResolutionMs()}: a fifth of the step, as Thanos's auto-downsampling. */
    public static final long AUTO = -1;

    public SelectHints {
        func = func == null ? "" : func;
    }

    /** Hints that say nothing: raw data unless only downsampled data covers the range. */
    public static SelectHints none(long start, long end) {
        return new SelectHints(start, end, 0, "", 0, AUTO);
    }

    /** The resolution the query accepts in ms, {@link #AUTO} resolved against the step. */
    public long effectiveMaxResolution() {
        return maxResolutionMs == AUTO ? step / 5 : maxResolutionMs;
    }

    public SelectHints withMaxResolution(long ms) {
        return new SelectHints(start, end, step, func, range, ms);
    }
}
