package dev.cairn.tsdb.index;

/**
 * The table of contents at the end of an index file: where each section starts. The label indices
 * and postings offsets may point at zero padding that precedes the first entry.
 */
record Toc(long symbols, long series, long labelIndices, long labelIndicesTable, long postings, long postingsTable) {
}
