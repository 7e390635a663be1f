package dev.cairn.tsdb.record;

import java.nio.ByteBuffer;

/**
 * The first byte of a Prometheus WAL record (tsdb/record): what the rest holds. Cairn reads and
 * writes series, samples and tombstones; it recognises the others so a replay can skip them by name.
 */
public enum RecordType {
    SERIES(1),
    SAMPLES(2),
    TOMBSTONES(3),
    EXEMPLARS(4),
    MMAP_MARKERS(5),
    METADATA(6),
    HISTOGRAM_SAMPLES(7),
    FLOAT_HISTOGRAM_SAMPLES(8),
    CUSTOM_BUCKETS_HISTOGRAM_SAMPLES(9),
    CUSTOM_BUCKETS_FLOAT_HISTOGRAM_SAMPLES(10),
    SAMPLES_V2(11),
    HISTOGRAM_SAMPLES_V2(12),
    FLOAT_HISTOGRAM_SAMPLES_V2(13),
    UNKNOWN(255);

    private static final RecordType[] BY_CODE = new RecordType[256];

    static {
        for (RecordType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The type byte. */
    public int code() {
        return code;
    }

    public static RecordType of(int code) {
        RecordType t = (code >= 0 && code < 256) ? BY_CODE[code] : null;
        return t == null ? UNKNOWN : t;
    }

    /** The type of {@code record} (position 0 to limit); UNKNOWN when empty or unrecognised. */
    public static RecordType of(ByteBuffer record) {
        return record.limit() == 0 ? UNKNOWN : of(record.get(0) & 0xFF);
    }
}
