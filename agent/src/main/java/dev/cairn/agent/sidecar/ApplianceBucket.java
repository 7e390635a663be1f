package dev.cairn.agent.sidecar;

import dev.cairn.agent.report.ApplianceClient;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectAttributes;
import dev.cairn.tsdb.bucket.ObjectNames;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The shipper's bucket when blocks go through the appliance ({@code sidecar.upload: appliance}): each
 * object is a {@code PUT /api/v1/agents/blocks/<ULID>/<path>} (PROTOCOL.md), which the appliance writes
 * into its own bucket, so this host needs no bucket credentials. The shipper's order carries over: block
 * files first, meta.json last, each upload complete before the next starts.
 *
 * <p>Write-only: the appliance offers no reads to agents. {@link #exists} answers false, so a shipper
 * that lost its state uploads a block again rather than finding it (uploads overwrite whole objects, so
 * that costs bandwidth, never correctness); the other reads throw.
 */
public final class ApplianceBucket implements Bucket {
    static final String PREFIX = "/api/v1/agents/blocks/";

    private final ApplianceClient client;
    private final Duration timeout;

    /** {@code timeout} bounds one object's upload (a large chunk segment over a slow link needs minutes). */
    public ApplianceBucket(ApplianceClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "appliance " + client.origin();
    }

    @Override
    public void upload(String name, Path file) throws IOException {
        put(name, HttpRequest.BodyPublishers.ofFile(file));
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(length, Integer.MAX_VALUE - 8));
        if (body.length != length) {
            throw new IOException("upload " + name + " to " + name() + ": the stream ended after " + body.length
                    + " of " + length + " bytes");
        }
        put(name, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private void put(String name, HttpRequest.BodyPublisher body) throws IOException {
        ObjectNames.checkObject(name);
        ApplianceClient.Answer a;
        try {
            a = client.put(PREFIX + name, body, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("upload " + name + " to " + name() + ": interrupted", e);
        }
        if (a.status() / 100 != 2) {
            throw new IOException("upload " + name + " to " + name() + ": answered " + a.status() + ": " + a.body());
        }
    }

    @Override
    public boolean exists(String name) {
        return false;
    }

    @Override
    public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
        throw writeOnly("list " + dir);
    }

    @Override
    public InputStream get(String name) throws IOException {
        throw writeOnly("read " + name);
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
        throw writeOnly("read " + name);
    }

    @Override
    public ObjectAttributes attributes(String name) throws IOException {
        throw writeOnly("stat " + name);
    }

    @Override
    public void delete(String name) throws IOException {
        throw writeOnly("delete " + name);
    }

    private IOException writeOnly(String what) {
        return new IOException(what + " in " + name() + ": uploads through the appliance are write-only");
    }

    @Override
    public void close() {
    }
}
