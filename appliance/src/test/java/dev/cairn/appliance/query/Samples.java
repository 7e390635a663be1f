package dev.cairn.appliance.query;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;

/** Test helpers that read series and samples into plain lists. */
final class Samples {
    private Samples() {
    }

    static long[] times(ChunkIterator it) {
        List<Long> out = new ArrayList<>();
        while (it.next()) {
            out.add(it.atT());
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static List<Labels> labels(SeriesSet set) {
        List<Labels> out = new ArrayList<>();
        while (set.next()) {
            out.add(set.at().labels());
        }
        return out;
    }

    static long maxDelta(long[] ts) {
        long max = 0;
        for (int i = 1; i < ts.length; i++) {
            max = Math.max(max, ts[i] - ts[i - 1]);
        }
        return max;
    }

    static boolean strictlyIncreasing(long[] ts) {
        for (int i = 1; i < ts.length; i++) {
            if (ts[i] <= ts[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
