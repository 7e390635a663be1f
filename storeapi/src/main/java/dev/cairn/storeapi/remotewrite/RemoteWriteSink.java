package dev.cairn.storeapi.remotewrite;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where decoded remote write series go: the relay's disk queue, the appliance's head.
 *
 * <p>Contract: {@link #write} is called once per request with all its valid series (possibly
 * none), from the channel's event loop or from the executor the handler was added with. Returning
 * normally means the samples are taken, as durably as the sink promises, and the sender gets its
 * 2xx; the sender then forgets them. The sink owns the lists and arrays it is given.
 */
public interface RemoteWriteSink {

    /**
     * Takes the series of one request.
     *
     * @throws WriteRejectedException when (part of) the data can never be taken (e.g. out of
     *     order, out of bounds): answered 400, the sender drops the batch
     * @throws IOException when the data could not be taken now (disk full, shutting down):
     *     answered 500, the sender retries the same batch
     */
    void write(List<DecodedSeries> series) throws WriteRejectedException, IOException;

    /**
     * As {@link #write(List)}, for sinks that route by a request header (the appliance's tenants, header
     * {@code THANOS-TENANT}); {@code header} returns a header's value by name (case-insensitive), or null.
     * Handlers call this one; the default ignores the headers.
     */
    default void write(List<DecodedSeries> series, UnaryOperator<String> header)
            throws WriteRejectedException, IOException {
        write(series);
    }
}
