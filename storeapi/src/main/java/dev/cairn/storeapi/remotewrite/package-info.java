/**
 * Prometheus remote write receiving and sending: snappy block-compressed protobuf bodies (1.0
 * {@code prometheus.WriteRequest}, 2.0 {@code io.prometheus.write.v2.Request}), validated as
 * Prometheus's receiver validates them, answered with the status codes Prometheus's senders act
 * on (2xx done, 4xx drop, 5xx and 429 retry).
 *
 * <p>Entry points: {@link dev.cairn.storeapi.remotewrite.RemoteWriteDecoder} (bytes to series),
 * {@link dev.cairn.storeapi.remotewrite.RemoteWriteHandler} (Netty HTTP),
 * {@link dev.cairn.storeapi.remotewrite.RemoteWriteSink} (where series go),
 * {@link dev.cairn.storeapi.remotewrite.RemoteWriteSender} (the other side).
 */
package dev.cairn.storeapi.remotewrite;
