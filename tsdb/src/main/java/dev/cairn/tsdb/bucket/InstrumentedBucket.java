package dev.cairn.tsdb.bucket;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what goes through a bucket: operations, failures and bytes, per {@link Operation}, as Thanos's
 * {@code objstore.WrapWithMetrics} does. Every counter exists from the start at zero. Plain counters
 * with getters; whichever metrics library Cairn exports with reads them.
 *
 * <p>A {@link ObjectNotFoundException} is an answer, not a failure: it counts as an operation only
 * (a shipper asking for the meta.json of a partial block is normal). A read of a returned stream that
 * throws counts as a failure of the operation that opened it. Bytes are those actually read from
 * returned streams, and those of completed uploads.
 */
public final class InstrumentedBucket implements Bucket {
    /** The operations, named as objstore names them in its metrics. */
    public enum Operation {
        ITER("iter"), GET("get"), GET_RANGE("get_range"), EXISTS("exists"), ATTRIBUTES("attributes"),
        UPLOAD("upload"), DELETE("delete");

        private final String label;

        Operation(String label) {
            this.label = label;
        }

        /** The {@code operation} label value. */
        public String label() {
            return label;
        }
    }

    private final Bucket delegate;
    private final Map<Operation, LongAdder> operations = new EnumMap<>(Operation.class);
    private final Map<Operation, LongAdder> failures = new EnumMap<>(Operation.class);
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesUploaded = new LongAdder();

    private InstrumentedBucket(Bucket delegate) {
        this.delegate = delegate;
        for (Operation op : Operation.values()) {
            operations.put(op, new LongAdder());
            failures.put(op, new LongAdder());
        }
    }

    public static InstrumentedBucket wrap(Bucket bucket) {
        return new InstrumentedBucket(bucket);
    }

    public long operations(Operation op) {
        return operations.get(op).sum();
    }

    public long failures(Operation op) {
        return failures.get(op).sum();
    }

    /** Bytes read from streams returned by get and getRange. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Bytes of uploads that completed. */
    public long bytesUploaded() {
        return bytesUploaded.sum();
    }

    public Bucket delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
        start(Operation.ITER);
        try {
            delegate.iter(dir, recursive, visitor);
        } catch (IOException | RuntimeException e) {
            fail(Operation.ITER, e);
            throw e;
        }
    }

    @Override
    public InputStream get(String name) throws IOException {
        start(Operation.GET);
        try {
            return new Counted(delegate.get(name), Operation.GET);
        } catch (IOException | RuntimeException e) {
            fail(Operation.GET, e);
            throw e;
        }
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
        start(Operation.GET_RANGE);
        try {
            return new Counted(delegate.getRange(name, offset, length), Operation.GET_RANGE);
        } catch (IOException | RuntimeException e) {
            fail(Operation.GET_RANGE, e);
            throw e;
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        start(Operation.EXISTS);
        try {
            return delegate.exists(name);
        } catch (IOException | RuntimeException e) {
            fail(Operation.EXISTS, e);
            throw e;
        }
    }

    @Override
    public ObjectAttributes attributes(String name) throws IOException {
        start(Operation.ATTRIBUTES);
        try {
            return delegate.attributes(name);
        } catch (IOException | RuntimeException e) {
            fail(Operation.ATTRIBUTES, e);
            throw e;
        }
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
        start(Operation.UPLOAD);
        try {
            delegate.upload(name, in, length);
            bytesUploaded.add(length);
        } catch (IOException | RuntimeException e) {
            fail(Operation.UPLOAD, e);
            throw e;
        }
    }

    @Override
    public void upload(String name, Path file) throws IOException {
        start(Operation.UPLOAD);
        try {
            long size = java.nio.file.Files.size(file);
            delegate.upload(name, file);
            bytesUploaded.add(size);
        } catch (IOException | RuntimeException e) {
            fail(Operation.UPLOAD, e);
            throw e;
        }
    }

    @Override
    public void delete(String name) throws IOException {
        start(Operation.DELETE);
        try {
            delegate.delete(name);
        } catch (IOException | RuntimeException e) {
            fail(Operation.DELETE, e);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    private void start(Operation op) {
        operations.get(op).increment();
    }

    private void fail(Operation op, Exception e) {
        if (!(e instanceof ObjectNotFoundException)) {
            failures.get(op).increment();
        }
    }

    /** Counts bytes read, and read errors as failures of the operation that opened the stream. */
    private final class Counted extends FilterInputStream {
        private final Operation op;

        Counted(InputStream in, Operation op) {
            super(in);
            this.op = op;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = in.read();
                if (b >= 0) {
                    bytesRead.increment();
                }
                return b;
            } catch (IOException e) {
                failures.get(op).increment();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int r = in.read(b, off, len);
                if (r > 0) {
                    bytesRead.add(r);
                }
                return r;
            } catch (IOException e) {
                failures.get(op).increment();
                throw e;
            }
        }
    }
}
