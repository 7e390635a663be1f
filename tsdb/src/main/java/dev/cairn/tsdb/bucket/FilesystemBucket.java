package dev.cairn.tsdb.bucket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A bucket in a local directory: the appliance's embedded default ({@code /var/lib/cairn/appliance/bucket}).
 * Object {@code a/b/c} is the file {@code <root>/a/b/c}; directories are the prefixes.
 *
 * <p><b>Crash order of an upload.</b> The bytes go to a fresh file under {@code <root>/.cairn-tmp/},
 * which is fsynced; missing parent directories of the target are created (each creation made durable
 * by an fsync of its parent); the file is renamed over the target atomically, and the target's
 * directory is fsynced. A crash leaves the old object or the new one, never a torn one; at worst an
 * orphan in {@code .cairn-tmp}, removed when a bucket is opened on the directory more than an hour
 * later (so a concurrent uploader in another process is not disturbed). The top-level name
 * {@code .cairn-tmp} is therefore reserved and never listed.
 *
 * <p><b>Deletes</b> remove the file, then every parent directory that became empty, so a prefix
 * disappears with its last object as in S3. An upload racing with that pruning retries its
 * mkdir-and-rename (bounded).
 */
public final class FilesystemBucket implements Bucket {
    /** Where uploads are staged; reserved, not an object prefix. */
    public static final String TMP_DIR = ".cairn-tmp";
    private static final Duration ORPHAN_AGE = Duration.ofHours(1);
    private static final int COPY_BUFFER = 64 * 1024;
    private static final int RENAME_ATTEMPTS = 5;

    private final Path root;
    private final Path tmpDir;
    private final String name;

    private FilesystemBucket(Path root) {
        this.root = root;
        this.tmpDir = root.resolve(TMP_DIR);
        this.name = root.toString();
    }

    /** Opens (creating if needed) a bucket in directory {@code root}, and removes old upload orphans. */
    public static FilesystemBucket open(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs.resolve(TMP_DIR));
        } catch (IOException e) {
            throw new IOException("open filesystem bucket " + abs + ": cannot create " + TMP_DIR
                    + " (check that the directory exists and is writable): " + e.getMessage(), e);
        }
        FilesystemBucket b = new FilesystemBucket(abs);
        b.removeOrphans(Instant.now().minus(ORPHAN_AGE));
        return b;
    }

    /** The directory holding the objects. */
    public Path root() {
        return root;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
        String prefix = ObjectNames.dirPrefix(dir);
        Path base = prefix.isEmpty() ? root : root.resolve(prefix);
        if (!Files.isDirectory(base)) {
            return; // an absent prefix, or an object's name used as a directory: nothing below
        }
        List<String> names = new ArrayList<>();
        try {
            if (recursive) {
                try (Stream<Path> s = Files.walk(base)) {
                    s.forEach(p -> {
                        if (!p.startsWith(tmpDir) && Files.isRegularFile(p)) {
                            names.add(toName(p));
                        }
                    });
                }
            } else {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
                    for (Path p : ds) {
                        if (p.equals(tmpDir)) {
                            continue;
                        }
                        if (Files.isDirectory(p)) {
                            if (hasEntries(p)) {
                                names.add(toName(p) + ObjectNames.DELIM);
                            }
                        } else if (Files.isRegularFile(p)) {
                            names.add(toName(p));
                        }
                    }
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return; // an empty or absent prefix, or an object's name used as a directory: nothing below
        } catch (IOException | java.io.UncheckedIOException e) {
            IOException io = e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e;
            if (io instanceof NoSuchFileException) {
                return; // the prefix vanished while we walked it
            }
            throw new IOException("iter " + prefix + " in bucket " + name + ": " + io.getMessage(), io);
        }
        names.sort(ObjectNames.ORDER);
        for (String n : names) {
            visitor.accept(n);
        }
    }

    @Override
    public InputStream get(String object) throws IOException {
        Path p = path(object);
        try {
            if (!Files.isRegularFile(p)) {
                throw new ObjectNotFoundException("get", name, object);
            }
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("get", name, object);
        } catch (ObjectNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("get " + object + " from bucket " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream getRange(String object, long offset, long length) throws IOException {
        ObjectNames.checkRange(offset, length);
        Path p = path(object);
        FileChannel ch = null;
        try {
            if (!Files.isRegularFile(p)) {
                throw new ObjectNotFoundException("get range of", name, object);
            }
            ch = FileChannel.open(p, StandardOpenOption.READ);
            long size = ch.size();
            long n = offset >= size ? 0 : (length == -1 ? size - offset : Math.min(length, size - offset));
            ch.position(Math.min(offset, size));
            return new LimitedInputStream(Channels.newInputStream(ch), n);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("get range of", name, object);
        } catch (ObjectNotFoundException e) {
            throw e;
        } catch (IOException e) {
            if (ch != null) {
                ch.close();
            }
            throw new IOException("get range " + offset + "+" + length + " of " + object + " from bucket " + name
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String object) {
        return Files.isRegularFile(path(object));
    }

    @Override
    public ObjectAttributes attributes(String object) throws IOException {
        Path p = path(object);
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new ObjectNotFoundException("attributes of", name, object);
            }
            return new ObjectAttributes(a.size(), a.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException("attributes of", name, object);
        } catch (ObjectNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("attributes of " + object + " in bucket " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void upload(String object, InputStream in, long length) throws IOException {
        ObjectNames.checkLength(length);
        Path target = path(object);
        Path tmp = tmpDir.resolve(UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, length))];
                long left = length;
                while (left > 0) {
                    int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (r < 0) {
                        throw new IOException("the input ended after " + (length - left) + " of " + length + " bytes");
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, r);
                    while (bb.hasRemaining()) {
                        ch.write(bb);
                    }
                    left -= r;
                }
                ch.force(true);
            }
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("upload " + object + " to bucket " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void upload(String object, Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IOException("upload " + file + " to bucket " + name + " as " + object + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            upload(object, in, size);
        }
    }

    @Override
    public void delete(String object) throws IOException {
        Path p = path(object);
        try {
            if (Files.isDirectory(p)) {
                return; // a prefix, not an object: nothing to delete
            }
            if (!Files.deleteIfExists(p)) {
                return;
            }
            pruneEmptyParents(p.getParent());
            DurableDirs.sync(p.getParent(), root);
        } catch (IOException e) {
            throw new IOException("delete " + object + " from bucket " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing held open
    }

    private Path path(String object) {
        ObjectNames.checkObject(object);
        if (object.equals(TMP_DIR) || object.startsWith(TMP_DIR + ObjectNames.DELIM)) {
            throw new IllegalArgumentException("object name \"" + object + "\" is reserved by the filesystem bucket");
        }
        return root.resolve(object);
    }

    private String toName(Path p) {
        Path rel = root.relativize(p);
        StringBuilder sb = new StringBuilder();
        for (Path seg : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(seg);
        }
        return sb.toString();
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            return ds.iterator().hasNext();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Creates the target's parents (durably) and renames {@code tmp} over it, retrying if a delete pruned them. */
    private void moveIntoPlace(Path tmp, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                createParents(target.getParent());
                if (Files.isDirectory(target)) {
                    throw new FileAlreadyExistsException(target.toString(), null,
                            "a directory of that name exists (the name is a prefix of other objects)");
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                DurableDirs.syncOne(target.getParent());
                return;
            } catch (NoSuchFileException e) {
                if (attempt >= RENAME_ATTEMPTS || !Files.exists(tmp)) {
                    throw e;
                }
                // a concurrent delete removed a parent directory that had just become empty; create it again
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " to " + target + " atomically; the bucket directory "
                        + "must be one file system", e);
            }
        }
    }

    private void createParents(Path dir) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir)) {
            return;
        }
        createParents(dir.getParent());
        try {
            Files.createDirectory(dir);
            DurableDirs.syncOne(dir.getParent());
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new FileAlreadyExistsException(dir.toString(), null,
                        "an object of that name exists, so it cannot be a prefix");
            }
        }
    }

    private void pruneEmptyParents(Path dir) throws IOException {
        while (!dir.equals(root) && dir.startsWith(root)) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (NoSuchFileException e) {
                // removed by a concurrent delete; go on upwards
            }
            dir = dir.getParent();
        }
    }

    private void removeOrphans(Instant olderThan) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir)) {
            for (Path p : ds) {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(olderThan)) {
                        Files.deleteIfExists(p);
                    }
                } catch (NoSuchFileException ignored) {
                    // another process cleaned it
                }
            }
        }
    }

    /** fsync of directories, so created, renamed and deleted entries survive a power loss. */
    private static final class DurableDirs {
        static void syncOne(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }

        /** Syncs the nearest existing directory at or above {@code dir} (pruning may have removed it). */
        static void sync(Path dir, Path root) throws IOException {
            Path d = dir;
            while (d != null && d.startsWith(root) && !Files.isDirectory(d)) {
                d = d.getParent();
            }
            if (d != null && d.startsWith(root)) {
                syncOne(d);
            }
        }
    }
}
