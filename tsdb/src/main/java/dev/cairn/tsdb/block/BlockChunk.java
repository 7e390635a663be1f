package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.Chunk;

/**
 * A chunk of one series with the time it covers, as a block stores it.
 *
 * @param minTime first sample's timestamp, ms
 * @param maxTime last sample's timestamp, ms (inclusive)
 */
public record BlockChunk(long minTime, long maxTime, Chunk chunk) {
}
