package dev.cairn.storeapi.remotewrite;

import java.util.Locale;

/**
 * The protobuf message a remote write body holds, chosen by the {@code proto} parameter of the
 * Content-Type, as Prometheus's receiver chooses: no Content-Type or no parameter means 1.0.
 */
public enum RemoteWriteVersion {
    V1("prometheus.WriteRequest", "0.1.0"),
    V2("io.prometheus.write.v2.Request", "2.0.0");

    /** The media type every remote write body carries, with or without a {@code proto} parameter. */
    public static final String MEDIA_TYPE = "application/x-protobuf";

    private final String protoMessage;
    private final String headerVersion;

    RemoteWriteVersion(String protoMessage, String headerVersion) {
        this.protoMessage = protoMessage;
        this.headerVersion = headerVersion;
    }

    /** Fully qualified protobuf message name, as in the Content-Type {@code proto} parameter. */
    public String protoMessage() {
        return protoMessage;
    }

    /** Value of the {@code X-Prometheus-Remote-Write-Version} header a sender puts on requests. */
    public String headerVersion() {
        return headerVersion;
    }

    /** The Content-Type a sender of this version sends. */
    public String contentType() {
        return this == V1 ? MEDIA_TYPE : MEDIA_TYPE + ";proto=" + protoMessage;
    }

    /**
     * Parses a Content-Type header value.
     *
     * @throws RemoteWriteException 415 when the media type is not protobuf or names a message we do
     *     not decode
     */
    public static RemoteWriteVersion fromContentType(String contentType) throws RemoteWriteException {
        if (contentType == null || contentType.isBlank()) {
            return V1; // Prometheus assumes 1.0 too, so old senders without the header keep working
        }
        String[] parts = contentType.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals(MEDIA_TYPE)) {
            throw new RemoteWriteException(415, "expected Content-Type " + MEDIA_TYPE + ", got " + contentType);
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq < 0 || !p.substring(0, eq).trim().equalsIgnoreCase("proto")) {
                continue;
            }
            String msg = p.substring(eq + 1).trim();
            if (msg.length() >= 2 && msg.startsWith("\"") && msg.endsWith("\"")) {
                msg = msg.substring(1, msg.length() - 1);
            }
            for (RemoteWriteVersion v : values()) {
                if (v.protoMessage.equals(msg)) {
                    return v;
                }
            }
            throw new RemoteWriteException(415, "unknown remote write protobuf message " + msg
                    + " in Content-Type; this server accepts " + V1.protoMessage + " and " + V2.protoMessage);
        }
        return V1;
    }
}
