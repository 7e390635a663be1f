package dev.cairn.tsdb.record;

import dev.cairn.tsdb.labels.Labels;

/** A series record entry: the head's reference for a series and its labels. */
public record RefSeries(long ref, Labels labels) {
}
