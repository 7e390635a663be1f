package dev.cairn.tsdb.bucket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An object storage bucket, as narrow as Thanos's {@code objstore.Bucket}: flat object names with
 * {@code /} as the directory delimiter, whole-object uploads, full and ranged reads.
 *
 * <p><b>Names.</b> An object name is a non-empty UTF-8 path relative to the bucket: segments joined
 * by {@code /}, no empty, {@code .} or {@code ..} segment, no leading or trailing {@code /} (checked
 * by {@link ObjectNames#checkObject}). A "directory" is a prefix ending in {@code /}; it exists
 * exactly while some object lies below it (as in S3), so no method creates or deletes directories.
 *
 * <p><b>Consistency.</b> Like Thanos, callers assume read-after-write: an object is visible to
 * {@link #get}, {@link #exists} and {@link #iter} as soon as {@link #upload} returned. An upload is
 * atomic: readers see the old object, no object, or the whole new one, never part of it.
 *
 * <p><b>Errors.</b> Every method throws {@link IOException} whose message says what was being done,
 * to which object of which bucket ({@code "upload 01H.../index to bucket b: ..."}). A missing object
 * is the typed {@link ObjectNotFoundException} from {@link #get}, {@link #getRange} and
 * {@link #attributes}; code branches on it (a block without meta.json is a partial upload).
 *
 * <p>Implementations are thread-safe. Streams returned by {@link #get} and {@link #getRange} belong
 * to the caller, who must close them; they are not thread-safe.
 */
public interface Bucket extends Closeable {

    /** The bucket's name, for messages and metrics. */
    String name();

    /**
     * Calls {@code visitor} for each entry under directory {@code dir}, with full names, in UTF-8 byte
     * order (S3's listing order). {@code dir} may be {@code ""} (the top), and may end in {@code /} or
     * not ({@code "a"} and {@code "a/"} list the same). Not recursive: objects directly in {@code dir}
     * and sub-directories as names ending in {@code /}. Recursive: every object below {@code dir},
     * no directory entries. A directory with nothing below it lists nothing, without error.
     */
    void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException;

    /** {@link #iter} into a list. */
    default List<String> list(String dir, boolean recursive) throws IOException {
        List<String> out = new ArrayList<>();
        iter(dir, recursive, out::add);
        return out;
    }

    /**
     * The whole object.
     *
     * @throws ObjectNotFoundException when there is no object {@code name}
     */
    InputStream get(String name) throws IOException;

    /**
     * {@code length} bytes from {@code offset}, or up to the end of the object when {@code length} is
     * {@code -1} or reaches past it; an {@code offset} at or past the end gives an empty stream.
     *
     * @throws ObjectNotFoundException  when there is no object {@code name}
     * @throws IllegalArgumentException when {@code offset < 0} or {@code length < -1}
     */
    InputStream getRange(String name, long offset, long length) throws IOException;

    /** True when object {@code name} exists (a directory prefix is not an object). */
    boolean exists(String name) throws IOException;

    /**
     * Size and modification time of object {@code name}.
     *
     * @throws ObjectNotFoundException when there is no object {@code name}
     */
    ObjectAttributes attributes(String name) throws IOException;

    /**
     * Stores exactly {@code length} bytes of {@code in} as object {@code name}, replacing any object of
     * that name. Atomic (see above) and idempotent. Does not close {@code in}. Fails, storing nothing,
     * when {@code in} ends before {@code length} bytes.
     */
    void upload(String name, InputStream in, long length) throws IOException;

    /** Stores file {@code file} as object {@code name}; see {@link #upload(String, InputStream, long)}. */
    void upload(String name, Path file) throws IOException;

    /**
     * Removes object {@code name}. Deleting a missing object succeeds (S3's behaviour, and what a
     * retried delete after a crash needs).
     */
    void delete(String name) throws IOException;

    /** Receives names from {@link #iter}; an exception it throws stops the listing and propagates. */
    @FunctionalInterface
    interface NameVisitor {
        void accept(String name) throws IOException;
    }
}
