package dev.cairn.storeapi.store;

import dev.cairn.tsdb.storage.Querier;
import java.util.function.Consumer;

/**
 * Opens a {@link Querier} over [mint, maxt] (ms, inclusive) of some storage: {@code Db::querier},
 * {@code Block::querier}, {@code Head::querier}, or a {@link StoreApiClient}. Called once per StoreAPI
 * request, from gRPC's executor threads, possibly concurrently; the caller closes each querier.
 */
@FunctionalInterface
public interface QuerierFactory {
    Querier querier(long mint, long maxt);

    /**
     * As {@link #querier(long, long)}, for storage that may answer partially (a querier over other
     * stores, some of them down): it passes one sentence per problem to {@code warnings}, from any
     * thread, before the querier's calls return. A StoreAPI server sends them as the response's
     * warnings; a StoreAPI client passes on those it receives. Storage that is whole ignores it.
     */
    default Querier querier(long mint, long maxt, Consumer<String> warnings) {
        return querier(mint, maxt);
    }
}
