package dev.cairn.tsdb.bucket;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract against a real S3 API (S3Proxy on 127.0.0.1), plus what only S3 has. */
class S3BucketTest extends BucketContract {

    @Override
    protected Bucket newBucket() throws Exception {
        return S3ProxyServer.shared().newBucket();
    }

    private S3Bucket s3() {
        return (S3Bucket) bucket;
    }

    @Test
    void largeObject_goesUpInParts_ofTheConfiguredSize() throws Exception {
        // Count the UploadPart requests the SDK actually sends (S3Proxy's filesystem backend does not
        // give multipart objects S3's "-N" ETags, so the server cannot tell us).
        List<Long> partSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> puts = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution ctx, ExecutionAttributes attrs) {
                if (ctx.request() instanceof UploadPartRequest p) {
                    partSizes.add(p.contentLength());
                } else if (ctx.request() instanceof PutObjectRequest p) {
                    puts.add(p.key());
                }
            }
        };
        byte[] big = new byte[LARGE];
        new java.util.Random(7).nextBytes(big);
        try (S3Bucket b = S3Bucket.open(s3().config(), List.of(counter))) {
            b.upload("big", new ByteArrayInputStream(big), big.length);
            java.nio.file.Path f = tmp.resolve("big");
            java.nio.file.Files.write(f, big);
            b.upload("bigfile", f);
            b.upload("small", new ByteArrayInputStream(new byte[1000]), 1000);
        }
        long five = 5L << 20;
        assertEquals(List.of(five, five, (long) LARGE - 2 * five, five, five, (long) LARGE - 2 * five), partSizes);
        assertEquals(List.of("small"), puts, "only the small object goes up in one PUT");
        assertArrayEquals(big, read(bucket.get("big")));
        assertArrayEquals(big, read(bucket.get("bigfile")));
        assertEquals(List.of("big", "bigfile", "small"), bucket.list("", true), "no part is visible as an object");
    }

    @Test
    void wrongSecret_failsWithASentenceThatSaysSo() throws Exception {
        S3Config c = s3().config().withCredentials(S3Credentials.of(S3ProxyServer.ACCESS_KEY, "wrong")).withRetries(1);
        try (S3Bucket b = S3Bucket.open(c)) {
            // A GET, not an upload: S3Proxy answers 403 before reading a PUT body, which the JDK client then
            // reports as a failed body write rather than the 403.
            IOException e = assertThrows(IOException.class, () -> b.get("x"));
            assertFalse(e instanceof ObjectNotFoundException);
            assertTrue(e.getMessage().startsWith("get x in bucket " + bucket.name() + " at "), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 403"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong"), "the secret must not leak into messages");
        }
    }

    @Test
    void missingBucket_isAFailure_notAMissingObject() throws Exception {
        try (S3Bucket b = S3Bucket.open(S3ProxyServer.shared().config("no-such-bucket-cairn"))) {
            IOException e = assertThrows(IOException.class, () -> b.get("x"));
            assertFalse(e instanceof ObjectNotFoundException, e.toString());
            assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
        }
    }

    @Test
    void defaultChain_findsKeysInSystemProperties() throws Exception {
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
        try (S3Bucket b = S3Bucket.open(s3().config().withCredentials(new S3Credentials.DefaultChain()))) {
            b.upload("chain", new ByteArrayInputStream(bytes("ok")), 2);
            assertEquals("ok", new String(read(b.get("chain"))));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void staticCredentials_neverPrintTheSecret() {
        assertFalse(S3Credentials.of("id", "s3cr3t").toString().contains("s3cr3t"));
    }

    @Test
    void droppedConnections_areRetried_andTheBodiesResentWhole() throws Exception {
        S3ProxyServer server = S3ProxyServer.shared();
        byte[] big = new byte[LARGE];
        new java.util.Random(3).nextBytes(big);
        java.nio.file.Path f = tmp.resolve("big");
        java.nio.file.Files.write(f, big);
        try (DroppingProxy proxy = new DroppingProxy(server.endpoint(), 2)) {
            S3Config viaProxy = new S3Config(bucket.name(), proxy.endpoint(), "us-east-1", true,
                    s3().config().credentials(), S3Config.MIN_PART_SIZE, S3Config.MIN_PART_SIZE, 4,
                    Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120));
            try (S3Bucket b = S3Bucket.open(viaProxy)) {
                b.upload("retried-stream", new ByteArrayInputStream(big), big.length);
                b.upload("retried-file", f);
            }
            assertTrue(proxy.connections() > 2, "connections: " + proxy.connections());
        }
        assertArrayEquals(big, read(bucket.get("retried-stream")));
        assertArrayEquals(big, read(bucket.get("retried-file")));

        // With one attempt, a single dropped connection fails the upload: the retries above were the SDK's
        // (the JDK client does not silently resend a PUT).
        try (DroppingProxy proxy = new DroppingProxy(server.endpoint(), 1)) {
            S3Config c = s3().config();
            S3Config viaProxy = new S3Config(c.bucket(), proxy.endpoint(), c.region(), true, c.credentials(),
                    c.partSize(), c.multipartThreshold(), 1, c.connectTimeout(), c.socketTimeout(),
                    c.attemptTimeout(), c.callTimeout());
            try (S3Bucket b = S3Bucket.open(viaProxy)) {
                IOException e = assertThrows(IOException.class, () -> b.upload("never", new ByteArrayInputStream(new byte[10]), 10));
                assertTrue(e.getMessage().startsWith("upload never in bucket " + bucket.name()), e.getMessage());
            }
        }
        assertFalse(bucket.exists("never"));
    }

    @Test
    void silentServer_timesOut_afterTheConfiguredAttempts() throws Exception {
        // A server that accepts and never answers: every attempt ends by the socket timeout, then retries.
        AtomicInteger accepted = new AtomicInteger();
        List<Socket> held = new ArrayList<>();
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = ss.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                        accepted.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            S3Config c = S3Config.defaults("b", URI.create("http://127.0.0.1:" + ss.getLocalPort()),
                            S3Credentials.of("a", "b"))
                    .withRetries(3)
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(20));
            long t0 = System.nanoTime();
            try (S3Bucket b = S3Bucket.open(c)) {
                IOException e = assertThrows(IOException.class, () -> b.exists("x"));
                assertTrue(e.getMessage().startsWith("check existence of x in bucket b at http://127.0.0.1:"), e.getMessage());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 15_000, "took " + ms + " ms");
            assertTrue(accepted.get() >= 3, "attempts seen by the server: " + accepted.get());
        } finally {
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
