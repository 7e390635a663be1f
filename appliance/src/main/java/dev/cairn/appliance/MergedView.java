package dev.cairn.appliance;

import dev.cairn.appliance.query.Warnings;
import dev.cairn.storeapi.store.QuerierFactory;
import dev.cairn.tsdb.storage.Querier;
import java.util.function.Consumer;

/**
 * What the appliance's own StoreAPI serves: the query layer's merged, deduplicated view of the
 * local data and every endpoint. Endpoints that fail while a StoreAPI call reads become the
 * call's warnings, so a querier stacked on this appliance reports them as its own.
 */
final class MergedView implements QuerierFactory {
    private final QueryLayer query;

    MergedView(QueryLayer query) {
        this.query = query;
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return query.queriers(new Warnings()).querier(mint, maxt);
    }

    @Override
    public Querier querier(long mint, long maxt, Consumer<String> warnings) {
        return query.queriers(new Warnings(warnings)).querier(mint, maxt);
    }
}
