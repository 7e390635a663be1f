package dev.cairn.appliance.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection that POSTs snappy remote-write bodies and reads the answers,
 * for the bench's senders.
 *
 * <p>Why not {@link java.net.http.HttpClient}: the bench's load generator shares the machine's
 * cores with the receiver it measures (a remote-write sender is another machine in real life), and
 * the JDK client's asynchronous machinery cost the generator about as much CPU per request as the
 * receiver spent storing it, which squeezed the difference between the receivers. A blocking socket
 * with the request head written once costs next to nothing. It speaks only what the two receivers
 * answer: a status line, headers, and a body framed by Content-Length or chunked encoding.
 */
final class RemoteWriteConnection implements AutoCloseable {
    /** A receiver's answer. */
    record Answer(int status, String body) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] headPrefix;
    private final byte[] line = new byte[8192];

    RemoteWriteConnection(URI url) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16384);
        headPrefix = ("POST " + url.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + "Content-Type: application/x-protobuf\r\n"
                + "Content-Encoding: snappy\r\n"
                + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
                + "User-Agent: cairn-receive-bench\r\n"
                + "Content-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    Answer post(byte[] body) throws IOException {
        byte[] tail = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] head = new byte[headPrefix.length + tail.length];
        System.arraycopy(headPrefix, 0, head, 0, headPrefix.length);
        System.arraycopy(tail, 0, head, headPrefix.length, tail.length);
        out.write(head);
        out.write(body);
        out.flush();
        return readAnswer();
    }

    private Answer readAnswer() throws IOException {
        String status = readLine();
        // "HTTP/1.1 204 No Content"
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.x answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h; !(h = readLine()).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long n; (n = Long.parseLong(readLine().split(";")[0].trim(), 16)) > 0; ) {
                copy(n, body);
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            copy(length, body);
        } else if (length < 0 && code != 204 && code != 304) {
            throw new IOException("answer " + code + " without a length; the bench expects keep-alive framing");
        }
        if (close) {
            throw new IOException("the receiver closed the connection after answering " + code + ": " + body);
        }
        return new Answer(code, body.toString(StandardCharsets.UTF_8));
    }

    private void copy(long n, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (r < 0) {
                throw new EOFException("connection closed inside an answer body");
            }
            to.write(buf, 0, r);
            n -= r;
        }
    }

    private String readLine() throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the receiver");
            }
            if (b == '\n') {
                break;
            }
            if (n == line.length) {
                throw new IOException("answer line longer than " + line.length + " bytes");
            }
            line[n++] = (byte) b;
        }
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
