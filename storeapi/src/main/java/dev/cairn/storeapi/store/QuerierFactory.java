package dev.cairn.storeapi.store;

import dev.cairn.tsdb.storage.Querier;

/**
 * Opens a {@link Querier} over [mint, maxt] (ms, inclusive) of some storage: {@code Db::querier},
 * {@code Block::querier}, {@code Head::querier}, or a {@link StoreApiClient}. Called once per StoreAPI
 * request, from gRPC's executor threads, possibly concurrently; the caller closes each querier.
 */
@FunctionalInterface
public interface QuerierFactory {
    Querier querier(long mint, long maxt);
}
