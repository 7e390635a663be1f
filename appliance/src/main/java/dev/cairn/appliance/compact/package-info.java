/**
 * The appliance's bucket compactor, Thanos's {@code thanos compact} rebuilt around Cairn's tsdb:
 * {@link dev.cairn.appliance.compact.BucketCompactor} does one run (compaction per group with the
 * leveled 2h/8h/2d/14d planner and vertical merging of overlaps, downsampling raw→5m→1h, retention per
 * resolution, deletion of blocks whose deletion mark is older than the delete delay),
 * {@link dev.cairn.appliance.compact.CompactorRunner} runs it on its own thread every interval, and
 * {@link dev.cairn.appliance.compact.CompactorStatus} is what /metrics and the UI read.
 *
 * <h2>Halting, and what is not a halt</h2>
 * Thanos halts only on "halt errors" and retries the rest; Cairn halts on every failure — a bucket
 * error, a failed upload, too little disk for the next job, a compaction or downsampling that throws —
 * because an appliance usually has no one watching a retry loop, and a compactor that silently retries
 * hides a full disk or a broken bucket until queries slow down. Halted means: the runner stops running
 * (ingestion, queries and the store go on), {@code cairn_compactor_halted 1} is exported, the log says at
 * ERROR what failed and what to do; {@code CompactorRunner.resume()} or a restart clears it. Sources are
 * marked for deletion only after the result is whole in the bucket (meta.json last), and a failed result
 * upload is deleted again, so a halt never loses samples and leaves nothing half-made visible.
 *
 * <p>Not halts: a meta.json that does not parse (left out and logged, as Thanos's fetcher does); a block
 * whose index or chunks fail verification after download (it gets Thanos's {@code no-compact-mark.json}
 * with reason {@code block-index-out-of-order-chunk} — the behaviour of Thanos's
 * {@code --compact.skip-block-with-out-of-order-chunks}, chosen because one bad block should not stop the
 * whole bucket's maintenance — stays queryable as it is, and is counted in
 * {@code cairn_compactor_corrupt_blocks_total}); overlapping blocks (always merged vertically; Thanos
 * halts on them only when vertical compaction is off); another appliance holding the bucket lock.
 *
 * <h2>Several appliances, one bucket</h2>
 * {@link dev.cairn.appliance.compact.BucketLock} keeps one compactor per bucket by a heartbeated lock
 * object; its Javadoc lists its weaknesses (no atomic create, eventual consistency, pauses, clocks).
 *
 * <h2>Timing details</h2>
 * Deletion marks are read at the start of a run, so a block marked in a run is deleted in a later one,
 * even with a delete delay of zero. Blocks marked for deletion leave planning at once (Thanos waits
 * half the delete delay). Partial uploads (no meta.json) are deleted once their ULID is 48h old.
 */
package dev.cairn.appliance.compact;
