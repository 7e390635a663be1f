package dev.cairn.appliance.compact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNotFoundException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * "One compactor per bucket" for appliances that share a bucket: the object {@value #OBJECT} at the
 * top of the bucket names the holder and the time of its last heartbeat,
 * {@code {"holder":"appliance-1:/var/lib/cairn/appliance","heartbeat_ms":1767225600000}}.
 * A compactor takes the lock only when the object is absent, already its own, or stale (its heartbeat
 * older than {@code staleAfter}); it heartbeats before each job and deletes the object when it stops.
 *
 * <p><b>Weaknesses</b> — this is a lease by convention, not consensus (Thanos has none at all and
 * requires the operator to run one compactor per bucket):
 * <ul>
 *   <li>Read-then-write is not atomic: two appliances that find the lock absent or stale at the same
 *       moment both write it. The later write wins; each then reads the object back and only the one
 *       it names goes on, which closes the window to the time between the two reads, not to zero. S3
 *       conditional writes ({@code If-None-Match}) would close it, but not every S3-compatible store has them.</li>
 *   <li>On eventually consistent stores (old Ceph RGW setups, some multi-site MinIO) a reader may not
 *       see a fresh lock at all, and both run.</li>
 *   <li>A holder that pauses longer than {@code staleAfter} (GC, a suspended VM, a job longer than it
 *       between heartbeats) loses the lock without knowing until its next heartbeat; its current job
 *       still finishes. Keep {@code staleAfter} well above the longest job.</li>
 *   <li>Clocks: staleness compares the holder's clock with the reader's; skew eats into {@code staleAfter}.</li>
 * </ul>
 * Two compactors at once do not lose samples: each writes new blocks and only marks sources for deletion;
 * the worst outcome is duplicate (overlapping) blocks, which the next run merges vertically, and wasted work.
 */
final class BucketLock {
    static final String OBJECT = "cairn-compactor.lock";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Bucket bucket;
    private final String holder;
    private final Duration staleAfter;
    private final Clock clock;

    /** Who holds the lock and since when it last said so. */
    record Holder(String holder, Instant heartbeat) {
    }

    BucketLock(Bucket bucket, String holder, Duration staleAfter, Clock clock) {
        this.bucket = bucket;
        this.holder = holder;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /**
     * Takes or renews the lock.
     *
     * @return null when we hold it now, else the other holder (fresh), which keeps it
     */
    Holder tryAcquire() throws IOException {
        Holder current = read();
        if (current != null && !current.holder().equals(holder)
                && current.heartbeat().plus(staleAfter).isAfter(clock.instant())) {
            return current;
        }
        write();
        Holder after = read();
        if (after == null || !after.holder().equals(holder)) {
            return after == null ? new Holder("(vanished)", Instant.EPOCH) : after;
        }
        return null;
    }

    /** Renews the lock; false when another compactor took it meanwhile (we must stop). */
    boolean heartbeat() throws IOException {
        Holder current = read();
        if (current != null && !current.holder().equals(holder)) {
            return false;
        }
        write();
        return true;
    }

    /** Deletes the lock if it is ours. */
    void release() throws IOException {
        Holder current = read();
        if (current != null && current.holder().equals(holder)) {
            bucket.delete(OBJECT);
        }
    }

    /** The lock as stored, or null when absent; an unreadable lock counts as stale (written by someone broken). */
    Holder read() throws IOException {
        byte[] bytes;
        try (InputStream in = bucket.get(OBJECT)) {
            bytes = in.readAllBytes();
        } catch (ObjectNotFoundException e) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            JsonNode h = n == null ? null : n.get("holder");
            JsonNode t = n == null ? null : n.get("heartbeat_ms");
            if (h == null || !h.isTextual() || t == null || !t.isIntegralNumber()) {
                return new Holder("(unreadable)", Instant.EPOCH);
            }
            return new Holder(h.textValue(), Instant.ofEpochMilli(t.longValue()));
        } catch (IOException e) {
            return new Holder("(unreadable)", Instant.EPOCH);
        }
    }

    private void write() throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("holder", holder);
        o.put("heartbeat_ms", clock.millis());
        byte[] bytes = JSON.writeValueAsBytes(o);
        bucket.upload(OBJECT, new ByteArrayInputStream(bytes), bytes.length);
    }
}
