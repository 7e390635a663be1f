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
        counted(Operation.ITER, () -> {
            delegate.iter(dir, recursive, visitor);
            return null;
        });
    }

    @Override
    public InputStream get(String name) throws IOException {
        return counted(Operation.GET, () -> new Counted(delegate.get(name), Operation.GET));
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
        return counted(Operation.GET_RANGE, () -> new Counted(delegate.getRange(name, offset, length), Operation.GET_RANGE));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return counted(Operation.EXISTS, () -> delegate.exists(name));
    }

    @Override
    public ObjectAttributes attributes(String name) throws IOException {
        return counted(Operation.ATTRIBUTES, () -> delegate.attributes(name));
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
        counted(Operation.UPLOAD, () -> {
            delegate.upload(name, in, length);
            bytesUploaded.add(length);
            return null;
        });
    }

    @Override
    public void upload(String name, Path file) throws IOException {
        counted(Operation.UPLOAD, () -> {
            long size = java.nio.file.Files.size(file);
            delegate.upload(name, file);
            bytesUploaded.add(size);
            return null;
        });
    }

    @Override
    public void delete(String name) throws IOException {
        counted(Operation.DELETE, () -> {
            delegate.delete(name);
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    /** One bucket call, the way every operation is counted. */
    private interface Call<T> {
        T run() throws IOException;
    }

    /** Counts the call as an operation, and as a failure when it throws anything but "not found". */
    private <T> T counted(Operation op, Call<T> call) throws IOException {
        operations.get(op).increment();
        try {
            return call.run();
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof ObjectNotFoundException)) {
                failures.get(op).increment();
            }
            throw e;
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
