package dev.cairn.appliance.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Warnings of one query (failed or unhealthy endpoints left out of a partial response), returned by
 * the HTTP API as Prometheus's {@code "warnings"}. Thread-safe: fan-out workers add to it. Equal
 * messages are kept once, in the order first seen.
 */
public final class Warnings {
    private final LinkedHashSet<String> messages = new LinkedHashSet<>();

    public synchronized void add(String message) {
        messages.add(message);
    }

    public synchronized List<String> list() {
        return new ArrayList<>(messages);
    }

    public synchronized boolean isEmpty() {
        return messages.isEmpty();
    }
}
