package dev.cairn.appliance.ui;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agents page against {@code GET /api/v1/agents} answers in PROTOCOL.md's shape, served here by a stub
 * (the registry is another part of the appliance): a table row per agent, healthy or silent, and the empty
 * and error cases. The page's files are the ones the appliance serves, read from the same resources.
 */
class AgentsPageBrowserTest {
    private static final String TWO_AGENTS = """
            {"status":"success","data":[
             {"agent_id":"vm-1.example.org","hostname":"vm-1","version":"0.1.0","mode":"relay",
              "external_labels":{"cluster":"eu1"},"store_address":"","queue_bytes":4096,
              "oldest_unsent_age_seconds":2.5,"last_shipped_block":"","last_shipped_time":"",
              "certificate_not_after":"2027-02-01T00:00:00Z","started":"2026-11-25T10:00:00Z",
              "last_heartbeat":"2026-11-25T17:00:00Z","healthy":true},
             {"agent_id":"vm-2.example.org","hostname":"vm-2","version":"0.1.0","mode":"relay+sidecar",
              "external_labels":{"cluster":"eu1","replica":"b"},"store_address":"vm-2:10901","queue_bytes":0,
              "oldest_unsent_age_seconds":0,"last_shipped_block":"01JD0000000000000000000000",
              "last_shipped_time":"2026-11-25T16:00:00Z","certificate_not_after":"2027-02-01T00:00:00Z",
              "started":"2026-11-25T10:00:00Z","last_heartbeat":"2026-11-25T16:50:00Z","healthy":false}]}
            """;

    @TempDir
    Path tmp;

    /** Serves the UI's files and {@code body} with {@code status} at /api/v1/agents. */
    private static HttpServer stub(int status, String body) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] out;
            int code = 200;
            if (path.equals("/api/v1/agents")) {
                out = body.getBytes(StandardCharsets.UTF_8);
                code = status;
                ex.getResponseHeaders().set("Content-Type", "application/json");
            } else {
                String name = path.equals("/") ? "index.html" : path.substring(path.lastIndexOf('/') + 1);
                try (InputStream in = StatusUi.class.getResourceAsStream("static/" + name)) {
                    if (in == null) {
                        out = new byte[0];
                        code = 404;
                    } else {
                        out = in.readAllBytes();
                        ex.getResponseHeaders().set("Content-Type", name.endsWith(".html") ? "text/html"
                                : name.endsWith(".css") ? "text/css" : "text/javascript");
                    }
                }
            }
            ex.sendResponseHeaders(code, out.length == 0 ? -1 : out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        s.start();
        return s;
    }

    @Test
    void agentsPage_twoAgents_rowPerAgentWithHealth() throws Exception {
        HttpServer s = stub(200, TWO_AGENTS);
        try (Browser b = Browser.start(tmp)) {
            b.open("http://127.0.0.1:" + s.getAddress().getPort() + "/#agents");
            b.await(() -> b.findAll("#agents tbody tr.agent").size() == 2 ? true : null, "two agent rows");
            String one = b.text(b.find("#agents tr[data-agent='vm-1.example.org']"));
            assertTrue(one.contains("vm-1") && one.contains("healthy") && one.contains("4096 B")
                    && one.contains("cluster=\"eu1\""), one);
            String two = b.find("#agents tr[data-agent='vm-2.example.org']");
            String health = b.findAllIn(two, "td").get(2);
            assertEquals("silent", b.text(health));
            assertEquals("unhealthy", b.attribute(health, "class"));
            assertTrue(b.text(two).contains("01JD0000000000000000000000 at 2026-11-25T16:00:00Z"), b.text(two));
            assertTrue(b.text(b.find("#agents-empty")).isEmpty(), "the empty note is hidden");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void agentsPage_emptyListAndServerError() throws Exception {
        HttpServer empty = stub(200, "{\"status\":\"success\",\"data\":[]}");
        HttpServer broken = stub(500, "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"registry closed\"}");
        try (Browser b = Browser.start(tmp)) {
            b.open("http://127.0.0.1:" + empty.getAddress().getPort() + "/#agents");
            assertEquals("No agents registered.", b.await(() -> {
                String t = b.text(b.find("#agents-empty"));
                return t.isEmpty() ? null : t;
            }, "the empty note"));
            b.open("http://127.0.0.1:" + broken.getAddress().getPort() + "/#agents");
            assertEquals("internal: registry closed", b.await(() -> {
                String t = b.text(b.find("#agents-error"));
                return t.isEmpty() ? null : t;
            }, "the error"));
            assertTrue(b.findAll("#agents tbody tr.agent").isEmpty(), List.of().toString());
        } finally {
            empty.stop(0);
            broken.stop(0);
        }
    }
}
