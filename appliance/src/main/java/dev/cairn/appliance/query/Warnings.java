package dev.cairn.appliance.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Warnings of one query (failed or unhealthy endpoints left out of a partial response), returned by
 * the HTTP API as Prometheus's {@code "warnings"}. Thread-safe: fan-out workers add to it. Equal
 * messages are kept once, in the order first seen.
 */
public final class Warnings {
    private final LinkedHashSet<String> messages = new LinkedHashSet<>();
    private final Consumer<String> forward;

    public Warnings() {
        this(null);
    }

    /** Also passes each new message to {@code forward} (e.g. a StoreAPI response being sent). */
    public Warnings(Consumer<String> forward) {
        this.forward = forward;
    }

    public synchronized void add(String message) {
        if (messages.add(message) && forward != null) {
            forward.accept(message);
        }
    }

    public synchronized List<String> list() {
        return new ArrayList<>(messages);
    }

    public synchronized boolean isEmpty() {
        return messages.isEmpty();
    }
}
