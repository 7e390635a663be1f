package dev.cairn.appliance.sizing;

/**
 * What one Prometheus told us about its load.
 *
 * @param samplesPerSecond  ingested samples per second
 * @param rateSource        how {@code samplesPerSecond} was obtained, in words (query or counter delta)
 * @param headSeries        series in its head block now
 * @param bytesPerSample    bytes per sample on disk used for the estimate
 * @param bytesSource       where {@code bytesPerSample} came from (measured, given, or the default and why)
 */
public record Observation(double samplesPerSecond, String rateSource, double headSeries,
                          double bytesPerSample, String bytesSource) {
}
