package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pb.thanos.Series;
import dev.cairn.storeapi.pb.thanos.SeriesBatch;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;

import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The series of a StoreAPI {@code Series} answer in order, whether the store sent them one per
 * message or in batches; warnings go to a consumer as they arrive, hints are skipped (Cairn uses
 * none). gRPC errors of the stream pass through as they are, for the caller to name its endpoint.
 */
public final class SeriesStream {
    private final Iterator<SeriesResponse> responses;
    private final Consumer<String> warnings;
    private SeriesBatch batch;
    private int batchNext;

    public SeriesStream(Iterator<SeriesResponse> responses, Consumer<String> warnings) {
        this.responses = responses;
        this.warnings = warnings;
    }

    /** The next series, or null at the end of the answer. */
    public Series next() {
        if (batch != null && batchNext < batch.getSeriesCount()) {
            return batch.getSeries(batchNext++);
        }
        batch = null;
        while (responses.hasNext()) {
            SeriesResponse r = responses.next();
            if (r.hasSeries()) {
                return r.getSeries();
            }
            if (r.hasBatch() && r.getBatch().getSeriesCount() > 0) {
                batch = r.getBatch();
                batchNext = 1;
                return batch.getSeries(0);
            }
            if (!r.getWarning().isEmpty()) {
                warnings.accept(r.getWarning());
            }
        }
        return null;
    }
}
