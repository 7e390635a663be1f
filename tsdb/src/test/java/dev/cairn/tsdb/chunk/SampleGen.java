package dev.cairn.tsdb.chunk;

import java.util.Random;

/**
 * Sample sequences that exercise every branch of the XOR encoding: timestamp deltas-of-deltas in and
 * at the edges of each bit bucket, and values whose XOR windows grow, shrink, and span all 64 bits.
 * Deterministic for a given {@link Random}.
 */
final class SampleGen {
    /** Prometheus's stale marker, a signalling NaN whose payload must survive. */
    static final long STALE_NAN = 0x7ff0000000000002L;

    /** dods on and next to the edges of the 14/17/20-bit buckets (their ranges are [-(2^(n-1)-1), 2^(n-1)]). */
    static final long[] EDGE_DODS = {
        1, -1, 8191, 8192, 8193, -8191, -8192, -8193,
        65535, 65536, 65537, -65535, -65536, -65537,
        524287, 524288, 524289, -524287, -524288, -524289,
    };

    record Samples(long[] t, long[] v) {
        int size() {
            return t.length;
        }
    }

    enum Times { REGULAR, JITTER, IRREGULAR, EDGES, NEGATIVE, WRAPPING }

    enum Values { CONSTANT, COUNTER, GAUGE, RANDOM_BITS, SPECIALS, MIXED }

    private SampleGen() {
    }

    static Samples generate(Random r, int n, Times times, Values values) {
        return new Samples(times(r, n, times), values(r, n, values));
    }

    static Samples random(Random r, int n) {
        Times[] ts = Times.values();
        Values[] vs = Values.values();
        return generate(r, n, ts[r.nextInt(ts.length)], vs[r.nextInt(vs.length)]);
    }

    static long[] times(Random r, int n, Times kind) {
        long[] t = new long[n];
        long cur = switch (kind) {
            case NEGATIVE -> -1_000_000_000L - r.nextInt(1_000_000);
            case WRAPPING -> r.nextLong();
            default -> 1_700_000_000_000L + r.nextInt(1_000_000);
        };
        long interval = 1 + r.nextInt(60_000);
        long delta = interval;
        for (int i = 0; i < n; i++) {
            t[i] = cur;
            switch (kind) {
                case REGULAR -> delta = interval;
                case JITTER -> delta = interval + r.nextInt(2001) - 1000;
                case IRREGULAR -> delta = pickDelta(r);
                case EDGES -> {
                    // alternate between a base interval and base + an edge dod so each step's dod is an edge value
                    long dod = EDGE_DODS[r.nextInt(EDGE_DODS.length)];
                    delta = delta == 600_000 ? 600_000 + dod : 600_000;
                }
                case NEGATIVE -> delta = r.nextInt(4) == 0 ? -r.nextInt(100_000) : pickDelta(r);
                case WRAPPING -> delta = r.nextLong();
            }
            cur += delta;
        }
        return t;
    }

    private static long pickDelta(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 1 + r.nextInt(10);
            case 1 -> 1 + r.nextInt(10_000);
            case 2 -> 1 + r.nextInt(100_000);
            case 3 -> 1 + r.nextInt(1_000_000);
            case 4 -> 1 + (r.nextLong() >>> 20);
            default -> 15_000;
        };
    }

    static long[] values(Random r, int n, Values kind) {
        long[] v = new long[n];
        double counter = r.nextInt(1000);
        double gauge = r.nextGaussian() * 100;
        Values[] plain = {Values.CONSTANT, Values.COUNTER, Values.GAUGE, Values.RANDOM_BITS, Values.SPECIALS};
        for (int i = 0; i < n; i++) {
            Values k = kind == Values.MIXED ? plain[r.nextInt(plain.length)] : kind;
            v[i] = switch (k) {
                case CONSTANT -> Double.doubleToRawLongBits(42.5);
                case COUNTER -> Double.doubleToRawLongBits(counter += r.nextInt(4) == 0 ? 0 : r.nextInt(1000));
                case GAUGE -> Double.doubleToRawLongBits(gauge += r.nextGaussian());
                case RANDOM_BITS -> r.nextLong(); // NaN payloads included
                case SPECIALS -> specialBits(r);
                case MIXED -> throw new AssertionError("MIXED picks a plain kind");
            };
        }
        return v;
    }

    static long specialBits(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> STALE_NAN;
            case 1 -> 0x7ff8000000000001L; // Prometheus's NaN
            case 2 -> Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
            case 3 -> Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);
            case 4 -> Double.doubleToRawLongBits(-0.0);
            case 5 -> 0L;
            case 6 -> Double.doubleToRawLongBits(Double.MIN_VALUE);
            case 7 -> Double.doubleToRawLongBits(Double.MAX_VALUE);
            case 8 -> 0xfff0000000000001L; // negative signalling NaN
            case 9 -> Double.doubleToRawLongBits(1.0);
            case 10 -> -1L; // all ones, a NaN
            default -> Double.doubleToRawLongBits(r.nextInt(100) / 7.0);
        };
    }
}
