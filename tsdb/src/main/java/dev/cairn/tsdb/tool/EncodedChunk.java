package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.chunk.Chunk;

/** A finished chunk of a backfilled series and the time it covers (ms, inclusive). */
record EncodedChunk(Chunk chunk, long minTime, long maxTime) {
}
