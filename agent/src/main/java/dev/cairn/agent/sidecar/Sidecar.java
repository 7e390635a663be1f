package dev.cairn.agent.sidecar;

import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.remoteread.RemoteReadClient;
import dev.cairn.storeapi.remoteread.RemoteReadQuerier;
import dev.cairn.storeapi.store.GrpcTls;
import dev.cairn.storeapi.store.InfoApiService;
import dev.cairn.storeapi.store.StoreApiServer;
import dev.cairn.storeapi.store.StoreApiService;
import dev.cairn.storeapi.tls.TlsFiles;
import dev.cairn.tsdb.labels.Labels;
import io.netty.handler.ssl.SslContext;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The sidecar: a StoreAPI ({@code thanos.Store} and {@code thanos.info.Info} over gRPC, mutual TLS when
 * PEM files are given) in front of the local Prometheus, answering from its remote read endpoint.
 *
 * <p>Startup reads {@code global.external_labels} from the running Prometheus
 * ({@code /api/v1/status/config}) and refuses to start without any: they are what tells this
 * Prometheus's data apart from every other's in the global view (and in uploaded blocks). They are
 * read once; a Prometheus reload that changes them needs an agent restart, as with Thanos.
 *
 * <p>Info announces [min, +inf): live data has no upper bound (Thanos's sidecar says the same). The
 * lower bound comes from {@link PrometheusTimeRange}.
 */
public final class Sidecar implements Closeable {
    /**
     * @param prometheus    the local Prometheus's root URL
     * @param dataDir       its data directory, to find the oldest block for Info (null: use the retention flag)
     * @param listen        where the gRPC server listens (port 0: any free one)
     * @param tls           PEM files for mutual TLS, or null for plaintext
     * @param timeout       per HTTP call to Prometheus (remote reads included)
     */
    public record Options(java.net.URI prometheus, Path dataDir, InetSocketAddress listen, TlsFiles tls,
                          Duration timeout) {
    }

    private final StoreApiServer server;
    private final Labels external;

    private Sidecar(StoreApiServer server, Labels external) {
        this.server = server;
        this.external = external;
    }

    /**
     * Checks the Prometheus and starts serving.
     *
     * @throws SidecarException when the Prometheus has no external labels
     * @throws IOException      when Prometheus cannot be asked, or the server cannot listen
     */
    public static Sidecar start(Options o) throws SidecarException, IOException, InterruptedException {
        PrometheusApi api = new PrometheusApi(o.prometheus(), o.timeout());
        Labels external = Labels.of(requireExternalLabels(api));
        SslContext ssl = null;
        if (o.tls() != null) {
            try {
                ssl = GrpcTls.server(o.tls());
            } catch (PkiException e) {
                throw new SidecarException("sidecar TLS files " + o.tls() + " are not usable: " + e.getMessage(), e);
            }
        }
        RemoteReadClient reads = new RemoteReadClient(api.remoteReadUrl(), o.timeout());
        String where = api.remoteReadUrl().toString();
        PrometheusTimeRange range = new PrometheusTimeRange(api, o.dataDir(), Duration.ofSeconds(15));
        StoreApiService store = new StoreApiService((mint, maxt) -> new RemoteReadQuerier(reads, where, mint, maxt),
                external, range::get, StoreType.SIDECAR);
        InfoApiService info = new InfoApiService(external, range::get, StoreType.SIDECAR);
        return new Sidecar(StoreApiServer.start(o.listen(), ssl, store, info), external);
    }

    /** The external labels of the Prometheus, or a refusal saying how to set them. */
    static Map<String, String> requireExternalLabels(PrometheusApi api) throws SidecarException, IOException, InterruptedException {
        Map<String, String> labels = api.externalLabels();
        if (labels.isEmpty()) {
            throw new SidecarException("the Prometheus at " + api.base() + " has no external labels, so its data "
                    + "could not be told apart from other Prometheus servers' in the global view. Add them to the "
                    + "global section of prometheus.yml, e.g.\n  global:\n    external_labels:\n"
                    + "      cluster: eu1\n      replica: \"0\"\nthen reload Prometheus (SIGHUP or POST /-/reload) "
                    + "and restart the agent.");
        }
        return labels;
    }

    /** The port the StoreAPI listens on. */
    public int port() {
        return server.port();
    }

    /** The external labels read at startup. */
    public Labels externalLabels() {
        return external;
    }

    @Override
    public void close() {
        server.close();
    }
}
