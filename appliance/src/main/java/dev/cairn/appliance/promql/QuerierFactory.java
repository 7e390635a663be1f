package dev.cairn.appliance.promql;

import dev.cairn.tsdb.storage.Querier;

/**
 * Opens a {@link Querier} over [mintMs, maxtMs] (inclusive). The engine opens one per selector, reads
 * what it needs and closes it before the query returns. Must be safe to call from the query's thread.
 */
@FunctionalInterface
public interface QuerierFactory {
    Querier querier(long mintMs, long maxtMs);
}
