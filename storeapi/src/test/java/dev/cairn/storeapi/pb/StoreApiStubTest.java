package dev.cairn.storeapi.pb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.cairn.storeapi.pb.thanos.AggrChunk;
import dev.cairn.storeapi.pb.thanos.Chunk;
import dev.cairn.storeapi.pb.thanos.InfoRequest;
import dev.cairn.storeapi.pb.thanos.InfoResponse;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.LabelMatcher;
import dev.cairn.storeapi.pb.thanos.Series;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.pb.thanos.StoreType;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generated Thanos StoreAPI stubs work end to end (server streaming included) and carry the
 * gRPC method names Thanos queriers call.
 */
class StoreApiStubTest {

    @Test
    void methodNames_areThoseThanosCalls() {
        assertEquals("thanos.Store/Series", StoreGrpc.getSeriesMethod().getFullMethodName());
        assertEquals("thanos.Store/Info", StoreGrpc.getInfoMethod().getFullMethodName());
        assertEquals("thanos.Store/LabelNames", StoreGrpc.getLabelNamesMethod().getFullMethodName());
        assertEquals("thanos.Store/LabelValues", StoreGrpc.getLabelValuesMethod().getFullMethodName());
        assertEquals("thanos.info.Info/Info",
                dev.cairn.storeapi.pb.thanos.info.InfoGrpc.getInfoMethod().getFullMethodName());
        assertEquals(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING, StoreGrpc.getSeriesMethod().getType());
    }

    @Test
    void series_streamsEveryFrameInOrder() throws Exception {
        StoreGrpc.StoreImplBase impl = new StoreGrpc.StoreImplBase() {
            @Override
            public void info(InfoRequest req, StreamObserver<InfoResponse> out) {
                out.onNext(InfoResponse.newBuilder().setStoreType(StoreType.SIDECAR).setMinTime(1).setMaxTime(2).build());
                out.onCompleted();
            }

            @Override
            public void series(SeriesRequest req, StreamObserver<SeriesResponse> out) {
                // echo the matcher back as labels, one series per millisecond of the range
                for (long t = req.getMinTime(); t <= req.getMaxTime(); t++) {
                    Series.Builder s = Series.newBuilder()
                            .addLabels(Label.newBuilder().setName(req.getMatchers(0).getName())
                                    .setValue(req.getMatchers(0).getValue()))
                            .addLabels(Label.newBuilder().setName("t").setValue(Long.toString(t)))
                            .addChunks(AggrChunk.newBuilder().setMinTime(t).setMaxTime(t)
                                    .setRaw(Chunk.newBuilder().setType(Chunk.Encoding.XOR)
                                            .setData(ByteString.copyFrom(new byte[] {0, 1}))));
                    out.onNext(SeriesResponse.newBuilder().setSeries(s).build());
                }
                out.onNext(SeriesResponse.newBuilder().setWarning("partial").build());
                out.onCompleted();
            }
        };
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).directExecutor().addService(impl).build().start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            StoreGrpc.StoreBlockingStub stub = StoreGrpc.newBlockingStub(ch);
            assertEquals(StoreType.SIDECAR, stub.info(InfoRequest.getDefaultInstance()).getStoreType());
            Iterator<SeriesResponse> it = stub.series(SeriesRequest.newBuilder().setMinTime(10).setMaxTime(14)
                    .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName("__name__").setValue("up"))
                    .build());
            List<String> got = new ArrayList<>();
            while (it.hasNext()) {
                SeriesResponse r = it.next();
                got.add(r.hasSeries() ? r.getSeries().getLabels(1).getValue() : "warning:" + r.getWarning());
            }
            assertEquals(List.of("10", "11", "12", "13", "14", "warning:partial"), got);
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
