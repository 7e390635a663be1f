package dev.cairn.appliance.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven through chromedriver with the W3C WebDriver protocol over plain HTTP: a
 * session, navigation, finding elements by CSS selector, clicking, typing, reading text and attributes.
 * Debian's {@code chromium} and {@code chromium-driver} must be installed (scripts/install-deps.sh); without
 * them {@link #start} fails and says so. {@link #close} ends the session and the chromedriver process (and
 * any browser process it left).
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The key under which WebDriver returns an element reference (W3C WebDriver, "web element identifier"). */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private String session;

    private Browser(Process driver, Path log, int port) {
        this.driver = driver;
        this.log = log;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts chromedriver on a free loopback port and opens a headless Chromium session. */
    static Browser start(Path tmp) throws Exception {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the UI tests need Debian's chromium and chromium-driver"
                        + " (run scripts/install-deps.sh as root, or apt-get install chromium chromium-driver)");
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = tmp.resolve("chromedriver.log");
        Process p = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Browser b = new Browser(p, log, port);
        try {
            b.awaitReady();
            b.newSession(tmp.resolve("chromium-profile"));
        } catch (Exception | AssertionError e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (!driver.isAlive()) {
                throw new AssertionError("chromedriver exited with " + driver.exitValue() + ": " + Files.readString(log));
            }
            try {
                JsonNode s = call("GET", "/status", null);
                if (s.path("ready").asBoolean(false)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("chromedriver not ready after " + WAIT + ": " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private void newSession(Path profile) throws Exception {
        ObjectNode caps = JSON.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode chrome = always.putObject("goog:chromeOptions");
        chrome.put("binary", CHROMIUM.toString());
        ArrayNode args = chrome.putArray("args");
        // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start
        for (String a : List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1024", "--user-data-dir=" + profile)) {
            args.add(a);
        }
        JsonNode v = call("POST", "/session", caps);
        session = v.path("sessionId").asText();
        if (session.isEmpty()) {
            throw new AssertionError("chromedriver gave no session: " + v + "; log: " + Files.readString(log));
        }
        ObjectNode timeouts = JSON.createObjectNode();
        timeouts.put("pageLoad", 60_000);
        timeouts.put("script", 30_000);
        call("POST", "/session/" + session + "/timeouts", timeouts);
    }

    void open(String url) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("url", url);
        call("POST", "/session/" + session + "/url", body);
    }

    /** Element references matching the CSS selector, in document order (empty when none). */
    List<String> findAll(String css) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("using", "css selector");
        body.put("value", css);
        List<String> out = new ArrayList<>();
        for (JsonNode e : call("POST", "/session/" + session + "/elements", body)) {
            out.add(e.path(ELEMENT).asText());
        }
        return out;
    }

    /** Element references matching the CSS selector below {@code element}. */
    List<String> findAllIn(String element, String css) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("using", "css selector");
        body.put("value", css);
        List<String> out = new ArrayList<>();
        for (JsonNode e : call("POST", "/session/" + session + "/element/" + element + "/elements", body)) {
            out.add(e.path(ELEMENT).asText());
        }
        return out;
    }

    /** The first element matching, waiting for it to appear. */
    String find(String css) throws Exception {
        List<String> found = await(() -> {
            List<String> f = findAll(css);
            return f.isEmpty() ? null : f;
        }, "an element matching " + css);
        return found.get(0);
    }

    void click(String element) throws Exception {
        call("POST", "/session/" + session + "/element/" + element + "/click", JSON.createObjectNode());
    }

    void clear(String element) throws Exception {
        call("POST", "/session/" + session + "/element/" + element + "/clear", JSON.createObjectNode());
    }

    void type(String element, String text) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("text", text);
        call("POST", "/session/" + session + "/element/" + element + "/value", body);
    }

    /** The element's rendered text (empty for a hidden element, as WebDriver defines it). */
    String text(String element) throws Exception {
        return call("GET", "/session/" + session + "/element/" + element + "/text", null).asText();
    }

    /** An attribute's value, or null without one. */
    String attribute(String element, String name) throws Exception {
        JsonNode v = call("GET", "/session/" + session + "/element/" + element + "/attribute/" + name, null);
        return v.isNull() ? null : v.asText();
    }

    /** Saves a PNG of the window (for a person looking at a failure or at the pages). */
    void screenshot(Path png) throws Exception {
        String b64 = call("GET", "/session/" + session + "/screenshot", null).asText();
        Files.createDirectories(png.getParent());
        Files.write(png, java.util.Base64.getDecoder().decode(b64));
    }

    /** Texts of every element matching. */
    List<String> texts(String css) throws Exception {
        List<String> out = new ArrayList<>();
        for (String e : findAll(css)) {
            out.add(text(e));
        }
        return out;
    }

    /** Polls {@code probe} until it returns non-null (the page fills itself asynchronously). */
    <T> T await(Callable<T> probe, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T v = probe.call();
                if (v != null) {
                    return v;
                }
            } catch (WebDriverException e) {
                last = e; // e.g. a stale element while the page re-renders
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + WAIT + " waiting for " + what
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
    }

    static final class WebDriverException extends IOException {
        WebDriverException(String message) {
            super(message);
        }
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT)
                .header("Content-Type", "application/json; charset=utf-8");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode root = JSON.readTree(r.body());
        JsonNode value = root == null ? null : root.get("value");
        if (r.statusCode() != 200) {
            throw new WebDriverException(method + " " + path + ": HTTP " + r.statusCode() + " "
                    + (value == null ? r.body() : value.path("error").asText() + ": " + value.path("message").asText()));
        }
        return value == null ? JSON.nullNode() : value;
    }

    @Override
    public void close() throws Exception {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } catch (IOException e) {
            // the browser may be gone already; the processes are ended below either way
        } finally {
            List<ProcessHandle> children = driver.descendants().toList();
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle c : children) {
                c.destroyForcibly();
            }
        }
    }
}
