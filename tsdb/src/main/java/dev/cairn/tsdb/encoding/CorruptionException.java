package dev.cairn.tsdb.encoding;

/**
 * Bytes on disk are not what the format promises: bad magic, bad checksum, truncation, impossible
 * lengths. Carries the file and the byte offset so an operator can find the damage; callers branch
 * on this type to report-and-skip (a corrupt block) or repair (a torn WAL tail).
 */
public final class CorruptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    public CorruptionException(String file, long offset, String what) {
        super(file + " at offset " + offset + ": " + what);
        this.file = file;
        this.offset = offset;
    }

    public CorruptionException(String file, long offset, String what, Throwable cause) {
        super(file + " at offset " + offset + ": " + what, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The file (or object name) holding the corrupt bytes. */
    public String file() {
        return file;
    }

    /** Byte offset in {@link #file()} where the problem was found; -1 when it concerns the whole file. */
    public long offset() {
        return offset;
    }
}
