package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;

/** Storage without data that records the hints of every select, for tests of what reaches storage. */
public final class HintsRecorder {
    /** The hints seen so far, in order. */
    public final List<SelectHints> seen = new ArrayList<>();
    private final boolean hintsRequired;

    /** @param hintsRequired a select without hints fails the test (else it is recorded as {@link SelectHints#none}) */
    public HintsRecorder(boolean hintsRequired) {
        this.hintsRequired = hintsRequired;
    }

    public QuerierFactory queriers() {
        return (mint, maxt) -> new Querier() {
            @Override
            public SeriesSet select(List<Matcher> matchers) {
                if (hintsRequired) {
                    throw new AssertionError("the engine must pass hints");
                }
                return select(SelectHints.none(mint, maxt), matchers);
            }

            @Override
            public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
                seen.add(hints);
                return new SeriesSet() {
                    @Override
                    public boolean next() {
                        return false;
                    }

                    @Override
                    public Series at() {
                        throw new IllegalStateException();
                    }
                };
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                return List.of();
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }
}
