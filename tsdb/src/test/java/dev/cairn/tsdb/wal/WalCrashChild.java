package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.AppendFile;
import dev.cairn.tsdb.fs.Disk;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

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
            options = options.withDisk(new SlowDisk());
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

    /**
     * Writes in 4 KiB pieces with a pause between them, as a slow device or a kernel doing short
     * writes would, so that a kill often lands inside one record's bytes.
     */
    private static final class SlowDisk implements Disk {
        private final Disk real = Disk.local();

        @Override
        public AppendFile openAppend(Path file) throws IOException {
            AppendFile f = real.openAppend(file);
            return new AppendFile() {
                @Override
                public void append(byte[] b, int off, int len) throws IOException {
                    for (int done = 0; done < len; done += 4096) {
                        f.append(b, off + done, Math.min(4096, len - done));
                        LockSupport.parkNanos(50_000);
                    }
                }

                @Override
                public void fsync() throws IOException {
                    f.fsync();
                }

                @Override
                public void truncate(long size) throws IOException {
                    f.truncate(size);
                }

                @Override
                public long size() throws IOException {
                    return f.size();
                }

                @Override
                public void close() throws IOException {
                    f.close();
                }
            };
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            real.createDirectories(dir);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            real.rename(from, to);
        }

        @Override
        public void delete(Path path) throws IOException {
            real.delete(path);
        }

        @Override
        public void syncDir(Path dir) throws IOException {
            real.syncDir(dir);
        }

        @Override
        public List<String> list(Path dir) throws IOException {
            return real.list(dir);
        }
    }
}
