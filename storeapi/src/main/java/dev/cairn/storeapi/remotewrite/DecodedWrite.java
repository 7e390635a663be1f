package dev.cairn.storeapi.remotewrite;

import java.util.List;

/**
 * What one remote write body held: the valid series, and a reason for each series we refused.
 * As in Prometheus's receiver, refused series do not stop the valid ones; the request as a whole
 * is then answered 400 so the sender logs it (and does not retry).
 *
 * @param series valid series with at least one float sample
 * @param rejected one sentence per refused series, in request order
 * @param samples float samples in {@code series}
 * @param histograms native histogram samples seen; Cairn does not store them yet and counts them as rejected
 * @param exemplars exemplars seen and dropped
 */
public record DecodedWrite(List<DecodedSeries> series, List<String> rejected, long samples, long histograms,
        long exemplars) {
}
