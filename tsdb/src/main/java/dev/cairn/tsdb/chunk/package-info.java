/**
 * Chunks: compressed runs of one series' samples, and the segment files a block keeps them in.
 *
 * <ul>
 *   <li>{@link dev.cairn.tsdb.chunk.XorChunk}, {@link dev.cairn.tsdb.chunk.XorAppender},
 *       {@link dev.cairn.tsdb.chunk.XorIterator}: Prometheus's XOR float encoding, bit for bit
 *       (the bits come from {@link dev.cairn.tsdb.chunk.BitWriter}, which copies Prometheus's
 *       bstream down to the length of the last byte);</li>
 *   <li>{@link dev.cairn.tsdb.chunk.ChunkSegmentWriter}, {@link dev.cairn.tsdb.chunk.ChunkSegmentReader}:
 *       a block's {@code chunks/000001…} files and the 64-bit chunk references the index stores.</li>
 * </ul>
 *
 * The byte layouts are described in {@code docs/format/chunks.md}; {@code XorChunkPromtoolTest}
 * holds them against blocks written by the real promtool.
 */
package dev.cairn.tsdb.chunk;
