package dev.cairn.agent.relay;

/**
 * A place in the disk queue: a segment and a byte offset in it that is a record boundary. Saved
 * as the acknowledged-by-downstream position: every record before it was answered.
 */
record QueuePosition(int segment, long offset) implements Comparable<QueuePosition> {
    @Override
    public int compareTo(QueuePosition o) {
        int c = Integer.compare(segment, o.segment);
        return c != 0 ? c : Long.compare(offset, o.offset);
    }

    QueuePosition max(QueuePosition o) {
        return compareTo(o) >= 0 ? this : o;
    }

    @Override
    public String toString() {
        return "segment " + segment + " offset " + offset;
    }
}
