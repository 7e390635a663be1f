package dev.cairn.appliance.store;

import dev.cairn.tsdb.bucket.Bucket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ranged reads of bucket objects for the store gateway, with coalescing: wanted byte ranges of one
 * object that lie closer than {@link #MAX_GAP} bytes are fetched by one GET, as Thanos's store gateway
 * partitions its reads. Each GET costs a round trip (milliseconds on S3) while 16 KiB more on an
 * already open response costs microseconds, so reading a few unwanted bytes between ranges is the
 * cheaper side.
 *
 * <p>Counts GETs and bytes for /metrics and for the figures in tests. Thread-safe.
 */
final class RangeFetcher {
    static final long MAX_GAP = 16 * 1024;

    private final Bucket bucket;
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    RangeFetcher(Bucket bucket) {
        this.bucket = bucket;
    }

    Bucket bucket() {
        return bucket;
    }

    /** Bytes {@code [offset, offset + length)} of {@code object}; fewer only when the object ends first. */
    byte[] read(String object, long offset, int length) throws IOException {
        gets.incrementAndGet();
        try (InputStream in = bucket.getRange(object, offset, length)) {
            byte[] b = in.readNBytes(length);
            bytes.addAndGet(b.length);
            return b;
        }
    }

    /** As {@link #read}, failing when the object ends before {@code length} bytes. */
    byte[] readFully(String object, long offset, int length) throws IOException {
        byte[] b = read(object, offset, length);
        if (b.length != length) {
            throw new EOFException("bucket " + bucket.name() + ": object " + object + " ends before byte "
                    + (offset + length) + " (read " + b.length + " of " + length + " bytes at offset " + offset + ")");
        }
        return b;
    }

    /**
     * One coalesced read: the bytes of [start, end) of the object, of which the wanted ranges are
     * parts. {@link #slice} cuts a wanted range out of it.
     */
    record Part(long start, byte[] data) {
        /** Bytes [from, to) of the object, clipped to what the read returned. */
        byte[] slice(long from, long to) {
            int a = (int) (from - start);
            int b = (int) Math.min(to - start, data.length);
            return a >= b ? new byte[0] : Arrays.copyOfRange(data, a, b);
        }

        boolean holds(long from) {
            return from >= start && from < start + data.length;
        }
    }

    /**
     * Reads the ranges {@code [starts[i], ends[i])} (sorted by start) of {@code object} with as few
     * GETs as {@link #MAX_GAP} allows; returns the reads in order.
     */
    List<Part> readCoalesced(String object, long[] starts, long[] ends) throws IOException {
        List<Part> out = new ArrayList<>();
        int i = 0;
        while (i < starts.length) {
            long s = starts[i];
            long e = ends[i];
            int j = i + 1;
            while (j < starts.length && starts[j] <= e + MAX_GAP) {
                e = Math.max(e, ends[j]);
                j++;
            }
            long len = e - s;
            if (len > Integer.MAX_VALUE) {
                throw new IOException("bucket " + bucket.name() + ": a read of " + len + " bytes of " + object
                        + " is too large for one request");
            }
            out.add(new Part(s, read(object, s, (int) len)));
            i = j;
        }
        return out;
    }

    /** The part holding byte {@code at}, or null. Parts are sorted and disjoint. */
    static Part find(List<Part> parts, long at) {
        int lo = 0;
        int hi = parts.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Part p = parts.get(mid);
            if (at < p.start()) {
                hi = mid - 1;
            } else if (at >= p.start() + p.data().length) {
                lo = mid + 1;
            } else {
                return p;
            }
        }
        return null;
    }

    long gets() {
        return gets.get();
    }

    long bytes() {
        return bytes.get();
    }
}
