package dev.cairn.appliance.api;

import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.List;

/**
 * Thanos's {@code max_source_resolution} query parameter: the coarsest downsampled data a query may
 * read. {@code raw} or {@code 0s}: raw data only; a duration ({@code 5m}, {@code 1h}): blocks down to
 * that resolution; {@code auto} or absent: a fifth of the range query's step (instant queries read raw
 * data), so that each step still spans several downsampled points. The choice travels to storage in
 * the {@link SelectHints} of every select.
 */
final class SourceResolution {
    static final String PARAM = "max_source_resolution";

    private SourceResolution() {
    }

    /** {@code storage} with the parameter's resolution applied; unchanged for {@code auto}. */
    static QuerierFactory apply(QuerierFactory storage, Params p) throws ApiError {
        String v = p.get(PARAM);
        if (v == null || v.isEmpty() || v.equals("auto")) {
            return storage;
        }
        long ms;
        if (v.equals("raw")) {
            ms = 0;
        } else {
            try {
                ms = p.duration(PARAM);
            } catch (ApiError e) {
                throw ApiError.invalidParam(PARAM, "cannot parse \"" + v + "\": expected raw, auto or a duration"
                        + " such as 0s, 5m or 1h");
            }
            if (ms < 0) {
                throw ApiError.invalidParam(PARAM, "negative resolution \"" + v + "\" is not accepted");
            }
        }
        long max = ms;
        return (mint, maxt) -> new Limited(storage.querier(mint, maxt), mint, maxt, max);
    }

    /** Passes every select on with the resolution set in its hints. */
    private record Limited(Querier inner, long mint, long maxt, long maxResolutionMs) implements Querier {
        @Override
        public SeriesSet select(List<Matcher> matchers) {
            return inner.select(SelectHints.none(mint, maxt).withMaxResolution(maxResolutionMs), matchers);
        }

        @Override
        public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
            return inner.select(hints.withMaxResolution(maxResolutionMs), matchers);
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            return inner.labelValues(name, matchers);
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            return inner.labelNames(matchers);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
