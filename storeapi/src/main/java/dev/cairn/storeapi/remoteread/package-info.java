/**
 * Prometheus remote read: the client side with the STREAMED_XOR_CHUNKS answer type (the sidecar
 * reads the local Prometheus with it) and the frame format of that stream:
 * <pre>
 * frame := uvarint(len(message)) | crc32c(message) as 4 bytes big-endian | message
 * message := protobuf prometheus.ChunkedReadResponse
 * </pre>
 * A series larger than the server's frame budget continues in the next frame with its labels repeated.
 */
package dev.cairn.storeapi.remoteread;
