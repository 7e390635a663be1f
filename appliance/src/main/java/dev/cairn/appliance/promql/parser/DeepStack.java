package dev.cairn.appliance.promql.parser;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a recursive computation on a thread with a large stack. Parsing, checking and printing
 * recurse once per nesting level; Prometheus (Go, growable stacks) accepts queries nested tens of
 * thousands deep, which would overflow an ordinary Java thread. Callers first try on their own
 * thread and come here only after a {@link StackOverflowError}, so ordinary queries pay nothing.
 */
final class DeepStack {
    /** Reserved, not committed: the memory is only touched as deep as the recursion goes. */
    private static final long STACK_BYTES = 1L << 30;

    private DeepStack() {}

    static <T> T call(Supplier<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "promql-deep-stack", STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new IllegalStateException("interrupted while parsing a deeply nested PromQL query", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        return result.get();
    }
}
