package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;

/** Collects the five aggregate XOR chunks of one output chunk and the window range they cover. */
final class AggrChunkBuilder {
    final XorChunk[] chunks = new XorChunk[AggrType.ALL.length];
    final XorAppender[] apps = new XorAppender[AggrType.ALL.length];
    long mint = Long.MAX_VALUE;
    long maxt = Long.MIN_VALUE;

    /** Starts (or restarts) the chunk of one aggregate. */
    XorAppender start(AggrType t) {
        XorChunk c = new XorChunk();
        chunks[t.ordinal()] = c;
        apps[t.ordinal()] = c.appender();
        return apps[t.ordinal()];
    }

    XorAppender app(AggrType t) {
        return apps[t.ordinal()];
    }

    void cover(long t) {
        if (t < mint) {
            mint = t;
        }
        if (t > maxt) {
            maxt = t;
        }
    }

    /** The raw path's window: all five aggregates at once. */
    void addAll(long t, Aggregator a) {
        cover(t);
        apps[AggrType.SUM.ordinal()].append(t, a.sum);
        apps[AggrType.MIN.ordinal()].append(t, a.min);
        apps[AggrType.MAX.ordinal()].append(t, a.max);
        apps[AggrType.COUNT.ordinal()].append(t, a.count);
        apps[AggrType.COUNTER.ordinal()].append(t, a.counter);
    }

    BlockChunk build() {
        if (mint == Long.MAX_VALUE) {
            throw new IllegalStateException("downsampled aggregate chunk without any window: every aggregate was empty");
        }
        return new BlockChunk(mint, maxt, AggrChunk.encode(chunks));
    }
}
