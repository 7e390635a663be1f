package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.FaultInjectingDisk;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link WalCrashTest} kills: opens the WAL (repairing what the last kill tore),
 * continues numbering after the highest record present, and logs records until killed, printing
 * {@code ack <n>} after each {@link Wal#log} returns. Record {@code n} from thread {@code t} is
 * {@link TestRecords#make}{@code (n, size(n, t))}, so the reader can tell the thread from the size.
 *
 * <p>Arguments: WAL directory, sync policy, thread count.
 */
public final class WalCrashChild {
    static final int SEGMENT_SIZE = 32 * 32 * 1024;

    private WalCrashChild() {
    }

    /** Mostly records of 0.1 to 6 KB; every 50th spans three pages, so a kill can tear it between writes. */
    static int size(long n, int thread) {
        return n % 50 == 49 ? 70_100 + thread : 100 + thread + 1000 * (int) (n % 7);
    }

    static int thread(byte[] rec) {
        return (rec.length - 100) % 1000;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SyncPolicy policy = SyncPolicy.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "US-ASCII");
        WalOptions options = WalOptions.defaults().withSegmentSize(SEGMENT_SIZE).withSyncPolicy(policy);
        if (policy == SyncPolicy.NONE) {
            FaultInjectingDisk slow = new FaultInjectingDisk();
            slow.slowAppends(50_000); // a kill often lands inside one record's bytes
            options = options.withDisk(slow);
        }
        Wal wal = Wal.open(dir, options);
        long max = -1;
        try (SegmentReader r = SegmentReader.open(dir)) {
            while (r.next()) {
                max = Math.max(max, TestRecords.check(r.recordBytes()));
            }
        }
        AtomicLong next = new AtomicLong(max + 1);
        synchronized (out) {
            out.println("ready " + (max + 1));
            out.flush();
        }
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            ts[t] = new Thread(() -> {
                try {
                    while (true) {
                        long n = next.getAndIncrement();
                        wal.log(TestRecords.make(n, size(n, thread)));
                        synchronized (out) {
                            out.println("ack " + n);
                            out.flush();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
