package dev.cairn.tsdb.bucket;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real S3 API server for tests: S3Proxy 4.1.0 with its filesystem backend, run from its
 * self-contained jar (copied to {@code target/s3proxy/} by maven-dependency-plugin) as a child JVM
 * listening on 127.0.0.1 on a port the kernel picks. One server serves the whole test JVM.
 *
 * <p>It fails loudly, never skips: a missing jar, a server that exits or does not listen within
 * {@link #START_TIMEOUT_MS} throws with the tail of the server's log.
 *
 * <p>The child runs under {@code sh}, which also watches our pipe to it: when this JVM exits, even
 * killed, the pipe closes and {@code sh} kills the server by its PID, so no server outlives the tests.
 */
public final class S3ProxyServer {
    public static final String ACCESS_KEY = "cairn";
    public static final String SECRET_KEY = "cairn-secret";
    private static final long START_TIMEOUT_MS = 60_000;
    // Jetty's line once the connector listens: "Started ...ServerConnector@1a2b{HTTP/1.1, (http/1.1)}{127.0.0.1:43101}"
    private static final Pattern LISTENING = Pattern.compile("Started \\S*ServerConnector@\\S+\\{HTTP/1\\.1[^}]*\\}\\{127\\.0\\.0\\.1:(\\d+)\\}");
    private static S3ProxyServer shared;

    private final Process process;
    private final Path log;
    private final URI endpoint;
    private final S3Client admin;
    private final AtomicInteger buckets = new AtomicInteger();

    private S3ProxyServer(Process process, Path log, URI endpoint) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
        this.admin = client(ACCESS_KEY, SECRET_KEY);
    }

    /** The server of this JVM, started on first use. */
    public static synchronized S3ProxyServer shared() throws IOException, InterruptedException {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            S3ProxyServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "s3proxy-stop"));
        }
        return shared;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A new, empty bucket on the server. */
    public String createBucket() {
        String name = "cairn-test-" + ProcessHandle.current().pid() + "-" + buckets.incrementAndGet();
        admin.createBucket(b -> b.bucket(name));
        return name;
    }

    /** Config for {@code bucket} on this server with the test credentials and short timeouts. */
    public S3Config config(String bucket) {
        return S3Config.defaults(bucket, endpoint, S3Credentials.of(ACCESS_KEY, SECRET_KEY))
                .withPartSize(S3Config.MIN_PART_SIZE)
                .withMultipartThreshold(S3Config.MIN_PART_SIZE)
                .withTimeouts(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30),
                        java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(120));
    }

    /** An S3Bucket on a new bucket of this server. */
    public S3Bucket newBucket() {
        return S3Bucket.open(config(createBucket()));
    }

    /** A raw SDK client, for checking what the server holds beneath the Bucket API. */
    public S3Client client(String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public S3Client admin() {
        return admin;
    }

    private static S3ProxyServer start() throws IOException, InterruptedException {
        Path jar = Paths.get(System.getProperty("cairn.s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar + "; run the tests through Maven "
                    + "(mvn -pl tsdb test), whose generate-test-resources phase copies org.gaul:s3proxy:4.1.0 there");
        }
        Path dir = Files.createTempDirectory("cairn-s3proxy-");
        Path data = Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:0",
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + data,
                ""), StandardCharsets.UTF_8);
        Path log = dir.resolve("s3proxy.log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of("sh", "-c",
                // fd 3 keeps our pipe for the watcher: an asynchronous list's stdin is /dev/null unless redirected
                "exec 3<&0; \"$0\" \"$@\" </dev/null 3<&- & p=$!; (read -r _ <&3; kill $p 2>/dev/null) & wait $p",
                java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--properties", conf.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return new S3ProxyServer(p, log, URI.create("http://127.0.0.1:" + m.group(1)));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + p.exitValue() + " before listening; log "
                        + log + ":\n" + tail(log));
            }
            Thread.sleep(50);
        }
        p.getOutputStream().close();
        p.destroy();
        throw new IllegalStateException("S3Proxy did not listen within " + START_TIMEOUT_MS + " ms; log " + log
                + ":\n" + tail(log));
    }

    private void stop() {
        try {
            admin.close();
            process.getOutputStream().close(); // sh's watcher reads EOF and kills the server
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** The last lines of the server's log, for failure messages. */
    public String logTail() throws IOException {
        return tail(log);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
