package dev.cairn.tsdb.block;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Deleted time intervals per series of one block, as Prometheus's tombstones: for a series ref
 * (the series' index reference), closed intervals {@code [mint, maxt]} whose samples read as
 * absent. Intervals of a series are kept sorted and merged, touching ones too ({@code [1,2]} and
 * {@code [3,4]} become {@code [1,4]}: timestamps are whole milliseconds), as Intervals.Add does.
 * Immutable; build with {@link #builder()}.
 */
public final class Tombstones {
    public static final Tombstones EMPTY = new Tombstones(new TreeMap<>());

    /** ref → {@code [mint0, maxt0, mint1, maxt1, ...]}, sorted, disjoint, not touching. */
    private final TreeMap<Long, long[]> byRef;
    private final long total;

    private Tombstones(TreeMap<Long, long[]> byRef) {
        this.byRef = byRef;
        long n = 0;
        for (long[] iv : byRef.values()) {
            n += iv.length / 2;
        }
        this.total = n;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return byRef.isEmpty();
    }

    /** Number of intervals over all series, what meta.json's numTombstones counts. */
    public long total() {
        return total;
    }

    /**
     * The deleted intervals of {@code ref} as {@code [mint0, maxt0, mint1, maxt1, ...]}, sorted;
     * null when nothing of it is deleted. Not copied: do not modify.
     */
    public long[] intervals(long ref) {
        return byRef.get(ref);
    }

    /** Calls {@code action} for every series with deletions, in increasing ref order. */
    public void forEach(BiConsumer<Long, long[]> action) {
        for (Map.Entry<Long, long[]> e : byRef.entrySet()) {
            action.accept(e.getKey(), e.getValue());
        }
    }

    /** True when {@code t} falls in one of {@code intervals} (as returned by {@link #intervals}). */
    public static boolean isDeleted(long[] intervals, long t) {
        if (intervals == null) {
            return false;
        }
        for (int i = 0; i < intervals.length; i += 2) {
            if (t < intervals[i]) {
                return false;
            }
            if (t <= intervals[i + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tombstones t) || t.byRef.size() != byRef.size()) {
            return false;
        }
        for (Map.Entry<Long, long[]> e : byRef.entrySet()) {
            if (!Arrays.equals(e.getValue(), t.byRef.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<Long, long[]> e : byRef.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tombstones{");
        forEach((ref, iv) -> {
            sb.append(ref).append(':');
            for (int i = 0; i < iv.length; i += 2) {
                sb.append('[').append(iv[i]).append(',').append(iv[i + 1]).append(']');
            }
            sb.append(' ');
        });
        return sb.append('}').toString();
    }

    /** Collects intervals; not thread-safe. */
    public static final class Builder {
        private final TreeMap<Long, long[]> byRef = new TreeMap<>();

        /** Adds the closed interval {@code [mint, maxt]} for series {@code ref}, merging with what is there. */
        public Builder add(long ref, long mint, long maxt) {
            if (maxt < mint) {
                throw new IllegalArgumentException("tombstone interval [" + mint + ", " + maxt + "] is empty");
            }
            byRef.put(ref, merge(byRef.get(ref), mint, maxt));
            return this;
        }

        public Builder addAll(Tombstones t) {
            t.forEach((ref, iv) -> {
                for (int i = 0; i < iv.length; i += 2) {
                    add(ref, iv[i], iv[i + 1]);
                }
            });
            return this;
        }

        public Tombstones build() {
            return byRef.isEmpty() ? EMPTY : new Tombstones(new TreeMap<>(byRef));
        }

        private static long[] merge(long[] in, long mint, long maxt) {
            if (in == null) {
                return new long[] {mint, maxt};
            }
            long[] out = new long[in.length + 2];
            int n = 0;
            int i = 0;
            // Intervals ending before the new one starts (and not touching it) stay as they are.
            while (i < in.length && mint != Long.MIN_VALUE && in[i + 1] < mint - 1) {
                out[n++] = in[i];
                out[n++] = in[i + 1];
                i += 2;
            }
            long lo = mint;
            long hi = maxt;
            // Those overlapping or touching it fold in.
            while (i < in.length && (maxt == Long.MAX_VALUE || in[i] <= maxt + 1)) {
                lo = Math.min(lo, in[i]);
                hi = Math.max(hi, in[i + 1]);
                i += 2;
            }
            out[n++] = lo;
            out[n++] = hi;
            while (i < in.length) {
                out[n++] = in[i];
                out[n++] = in[i + 1];
                i += 2;
            }
            return Arrays.copyOf(out, n);
        }
    }
}
