package dev.cairn.storeapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.thanos.LabelMatcher;
import dev.cairn.storeapi.pb.thanos.LabelNamesRequest;
import dev.cairn.storeapi.pb.thanos.PartialResponseStrategy;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Partial responses over the StoreAPI: storage that reports warnings (a querier over other stores,
 * one of them down) has them sent as {@code SeriesResponse.warning} / {@code warnings}, which the
 * client passes to the caller's sink; a caller asking for ABORT gets an error instead.
 */
class StoreApiWarningsTest {
    /** Storage whose select reports one warning, like a proxy with a dead store behind it. */
    private static final class PartialStorage implements QuerierFactory {
        @Override
        public Querier querier(long mint, long maxt) {
            return new GeneratedQuerier(3, 0);
        }

        @Override
        public Querier querier(long mint, long maxt, Consumer<String> warnings) {
            GeneratedQuerier whole = new GeneratedQuerier(3, 0);
            return new Querier() {
                @Override
                public SeriesSet select(List<Matcher> matchers) {
                    warnings.accept("store 10.0.0.9:10901 is down; its data is missing");
                    warnings.accept("store 10.0.0.9:10901 is down; its data is missing"); // kept once
                    return whole.select(matchers);
                }

                @Override
                public List<String> labelValues(String name, List<Matcher> matchers) {
                    return whole.labelValues(name, matchers);
                }

                @Override
                public List<String> labelNames(List<Matcher> matchers) {
                    warnings.accept("label names of 10.0.0.9:10901 missing");
                    return List.of("__name__", "i");
                }

                @Override
                public void close() {
                    whole.close();
                }
            };
        }
    }

    private static StoreApiServer start() throws Exception {
        return StoreApiServer.start(new InetSocketAddress("127.0.0.1", 0), (io.netty.handler.ssl.SslContext) null,
                new StoreApiService(new PartialStorage(), Labels.of("site", "a"), () -> TimeRange.ALL, StoreType.QUERY));
    }

    @Test
    void series_warningsOfTheStorage_reachTheClientsSink() throws Exception {
        try (StoreApiServer server = start();
             StoreApiClient client = StoreApiClient.connect("127.0.0.1", server.port(), (io.netty.handler.ssl.SslContext) null,
                     Duration.ofSeconds(30))) {
            List<String> got = new CopyOnWriteArrayList<>();
            int series = 0;
            try (Querier q = client.querier(0, 100_000, got::add)) {
                SeriesSet set = q.select(List.of(Matcher.equal("__name__", "gen")));
                while (set.next()) {
                    series++;
                }
                assertEquals(List.of("__name__", "i", "site"), q.labelNames(List.of())); // with the external label
            }
            assertEquals(3, series, "a partial answer still carries the series it has");
            assertEquals(List.of("store 127.0.0.1:" + server.port() + " answered partially: store 10.0.0.9:10901 is down;"
                    + " its data is missing", "store 127.0.0.1:" + server.port() + " answered partially: label names of"
                    + " 10.0.0.9:10901 missing"), got);

            // the wire itself: one response with the warning, after the series
            Iterator<SeriesResponse> it = StoreGrpc.newBlockingStub(client.channel()).series(SeriesRequest.newBuilder()
                    .setMinTime(0).setMaxTime(100_000).addMatchers(LabelMatcher.newBuilder().setName("__name__")
                            .setValue("gen").setType(LabelMatcher.Type.EQ)).build());
            List<String> kinds = new ArrayList<>();
            it.forEachRemaining(r -> kinds.add(r.hasWarning() ? "warning:" + r.getWarning() : "series"));
            assertEquals(List.of("series", "series", "series", "warning:store 10.0.0.9:10901 is down; its data is missing"),
                    kinds);
        }
    }

    @Test
    void series_abortStrategy_turnsWarningsIntoAnError() throws Exception {
        try (StoreApiServer server = start();
             StoreApiClient client = StoreApiClient.connect("127.0.0.1", server.port(), (io.netty.handler.ssl.SslContext) null,
                     Duration.ofSeconds(30))) {
            StoreGrpc.StoreBlockingStub stub = StoreGrpc.newBlockingStub(client.channel());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.series(SeriesRequest
                    .newBuilder().setMinTime(0).setMaxTime(100_000).setPartialResponseStrategy(PartialResponseStrategy.ABORT)
                    .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("gen")
                            .setType(LabelMatcher.Type.EQ)).build()).forEachRemaining(r -> { }));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("10.0.0.9:10901 is down"), e.getMessage());
            StatusRuntimeException names = assertThrows(StatusRuntimeException.class, () -> stub.labelNames(
                    LabelNamesRequest.newBuilder().setStart(0).setEnd(100_000)
                            .setPartialResponseStrategy(PartialResponseStrategy.ABORT).build()));
            assertEquals(Status.Code.UNAVAILABLE, names.getStatus().getCode());
        }
    }
}
