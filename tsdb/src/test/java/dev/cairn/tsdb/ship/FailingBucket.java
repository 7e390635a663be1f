package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectAttributes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bucket double that fails its Nth call (counting every method), as QuestDB's FailureFileFacade fails
 * the Nth file operation. {@link Mode#BEFORE} fails without touching the store (a refused request);
 * {@link Mode#AFTER} performs the call and then fails (the answer was lost: the store has the change,
 * the caller thinks it failed). It also records every call, for order assertions.
 */
final class FailingBucket implements Bucket {
    enum Mode { BEFORE, AFTER }

    private final Bucket delegate;
    private final int failAt;
    private final Mode mode;
    private final AtomicInteger calls = new AtomicInteger();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** {@code failAt} 0 never fails. */
    FailingBucket(Bucket delegate, int failAt, Mode mode) {
        this.delegate = delegate;
        this.failAt = failAt;
        this.mode = mode;
    }

    int calls() {
        return calls.get();
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(String what, Call<T> c) throws IOException {
        int n = calls.incrementAndGet();
        log.add(what);
        if (n == failAt && mode == Mode.BEFORE) {
            throw new IOException("injected failure before call " + n + " (" + what + ")");
        }
        T r = c.run();
        if (n == failAt) {
            throw new IOException("injected failure after call " + n + " (" + what + ")");
        }
        return r;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
        call("iter " + dir, () -> {
            delegate.iter(dir, recursive, visitor);
            return null;
        });
    }

    @Override
    public InputStream get(String name) throws IOException {
        return call("get " + name, () -> delegate.get(name));
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
        return call("get_range " + name, () -> delegate.getRange(name, offset, length));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return call("exists " + name, () -> delegate.exists(name));
    }

    @Override
    public ObjectAttributes attributes(String name) throws IOException {
        return call("attributes " + name, () -> delegate.attributes(name));
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
        call("upload " + name, () -> {
            delegate.upload(name, in, length);
            return null;
        });
    }

    @Override
    public void upload(String name, Path file) throws IOException {
        call("upload " + name, () -> {
            delegate.upload(name, file);
            return null;
        });
    }

    @Override
    public void delete(String name) throws IOException {
        call("delete " + name, () -> {
            delegate.delete(name);
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
