package dev.cairn.appliance.compact;

import java.time.Duration;

/**
 * Runs a {@link BucketCompactor} on its own daemon thread every {@code interval}, so nothing it does can
 * stop the rest of the appliance. After a halt the thread idles (the status says halted, the log says
 * why and what to do) until {@link #resume} or {@link #close}; it never exits the process. Closing
 * ends a wait at once, lets a run under way finish (waiting for it up to a minute), and releases the
 * bucket lock.
 */
public final class CompactorRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CompactorRunner.class.getName());
    private final BucketCompactor compactor;
    private final Duration interval;
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean stopping;

    public CompactorRunner(BucketCompactor compactor) {
        this.compactor = compactor;
        this.interval = compactor.config().interval();
        this.thread = new Thread(this::loop, "cairn-compactor");
        this.thread.setDaemon(true);
    }

    public CompactorRunner start() {
        thread.start();
        return this;
    }

    public CompactorStatus status() {
        return compactor.status();
    }

    /** Clears a halt and runs at once (the operator fixed the cause). */
    public void resume() {
        synchronized (wake) {
            compactor.status().resume();
            wake.notifyAll();
        }
    }

    private void loop() {
        while (!stopping) {
            if (!compactor.status().halted()) {
                try {
                    compactor.runOnce();
                } catch (CompactorHaltedException e) {
                    // already logged and recorded by runOnce; idle below until resumed
                } catch (Throwable t) {
                    // runOnce turns everything into a halt; this is the last guard for the thread itself
                    compactor.status().halt("compactor thread: " + t);
                    LOG.log(System.Logger.Level.ERROR, "COMPACTOR HALTED: " + t, t);
                }
            }
            synchronized (wake) {
                if (stopping) {
                    break;
                }
                try {
                    // Halted: wait for resume() (a long timeout only re-checks the flags).
                    wake.wait(compactor.status().halted() ? 60_000 : Math.max(1, interval.toMillis()));
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        compactor.releaseLock();
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (wake) {
            stopping = true;
            wake.notifyAll();
        }
        thread.join(Duration.ofMinutes(1).toMillis());
    }
}
