package dev.cairn.tsdb.bucket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 that closes its first {@code drop} connections as soon as they send
 * something (a request lost on the network, no answer), then forwards bytes both ways to the target.
 * For testing that S3 requests are retried and that bodies are resent whole.
 */
final class DroppingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final int drop;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();

    DroppingProxy(URI target, int drop) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target.getPort();
        this.drop = drop;
        Thread t = new Thread(this::acceptLoop, "dropping-proxy");
        t.setDaemon(true);
        t.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket in = server.accept();
                track(in);
                int n = connections.incrementAndGet();
                if (n <= drop) {
                    Thread t = new Thread(() -> {
                        try (in) {
                            in.getInputStream().read(new byte[1]); // wait until the request starts, then hang up
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }, "dropping-proxy-drop");
                    t.setDaemon(true);
                    t.start();
                    continue;
                }
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                track(out);
                pipe(in, out);
                pipe(out, in);
            }
        } catch (IOException closed) {
            // proxy closed
        }
    }

    private void track(Socket s) {
        synchronized (sockets) {
            sockets.add(s);
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int r;
                while ((r = in.read(buf)) >= 0) {
                    out.write(buf, 0, r);
                }
                to.shutdownOutput();
            } catch (IOException e) {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // both gone
                }
            }
        }, "dropping-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
