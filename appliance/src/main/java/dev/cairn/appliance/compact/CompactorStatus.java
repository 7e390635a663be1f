package dev.cairn.appliance.compact;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the compactor tells the rest of the appliance: whether it is halted and why, when it last
 * finished a run, and counters. Written by the compactor thread, read by /metrics and the UI from any
 * thread: every field is atomic or volatile, and {@link #snapshot} gives one consistent-enough view
 * (counters may be one event apart; each is exact on its own).
 */
public final class CompactorStatus {
    private volatile boolean halted;
    private volatile String haltReason = "";
    private volatile Instant lastSuccess;
    private volatile String lockHolder = "";
    private volatile boolean leader;
    final AtomicLong runs = new AtomicLong();
    final AtomicLong compactions = new AtomicLong();
    final AtomicLong downsamples = new AtomicLong();
    final AtomicLong marked = new AtomicLong();
    final AtomicLong deletions = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong corruptBlocks = new AtomicLong();
    final AtomicLong lockLost = new AtomicLong();

    /**
     * A point-in-time copy.
     *
     * @param lastSuccess end of the last run that finished, or null before the first
     * @param marked      blocks marked for deletion (compaction sources and expired blocks)
     * @param deletions   blocks deleted by garbage collection
     * @param lockLost    runs skipped because another compactor holds the bucket lock
     */
    public record Snapshot(boolean halted, String haltReason, Instant lastSuccess, long runs, long compactions,
                           long downsamples, long marked, long deletions, long failures, long corruptBlocks,
                           long lockLost, String lockHolder) {
    }

    public Snapshot snapshot() {
        return new Snapshot(halted, haltReason, lastSuccess, runs.get(), compactions.get(), downsamples.get(),
                marked.get(), deletions.get(), failures.get(), corruptBlocks.get(), lockLost.get(), lockHolder);
    }

    public boolean halted() {
        return halted;
    }

    public String haltReason() {
        return haltReason;
    }

    void halt(String reason) {
        haltReason = reason;
        halted = true;
    }

    /** Clears the halt (the operator fixed the cause and asked to resume). */
    void resume() {
        halted = false;
        haltReason = "";
    }

    void succeeded(Instant at) {
        lastSuccess = at;
    }

    /** Who held the bucket lock at the last attempt, and whether that was this compactor. */
    void lockHolder(String holder, boolean ours) {
        lockHolder = holder == null ? "" : holder;
        leader = ours;
    }

    /**
     * The status in the Prometheus text format, {@code cairn_compactor_*} (Thanos names the halt gauge
     * {@code thanos_compact_halted}; ours is alerted on the same way: {@code cairn_compactor_halted == 1}).
     */
    public String metricsText() {
        Snapshot s = snapshot();
        StringBuilder sb = new StringBuilder(1024);
        gauge(sb, "cairn_compactor_halted", "1 when the compactor stopped on an error and waits for the operator",
                s.halted() ? 1 : 0);
        gauge(sb, "cairn_compactor_last_success_timestamp_seconds", "end of the last run that finished, Unix seconds",
                s.lastSuccess() == null ? 0 : s.lastSuccess().getEpochSecond());
        // the alert "no successful run for an hour" applies only to the appliance that holds the bucket lock
        gauge(sb, "cairn_compactor_leader", "1 when this compactor held the bucket lock at its last run", leader ? 1 : 0);
        counter(sb, "cairn_compactor_runs_total", "runs started", s.runs());
        counter(sb, "cairn_compactor_compactions_total", "blocks written by compaction", s.compactions());
        counter(sb, "cairn_compactor_downsamples_total", "blocks written by downsampling", s.downsamples());
        counter(sb, "cairn_compactor_blocks_marked_for_deletion_total", "deletion marks placed", s.marked());
        counter(sb, "cairn_compactor_blocks_deleted_total", "blocks deleted after their delete delay", s.deletions());
        counter(sb, "cairn_compactor_failures_total", "runs that failed (each halts the compactor)", s.failures());
        counter(sb, "cairn_compactor_corrupt_blocks_total", "blocks found corrupt and skipped", s.corruptBlocks());
        counter(sb, "cairn_compactor_lock_busy_total", "runs skipped: another compactor holds the bucket lock",
                s.lockLost());
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }
}
