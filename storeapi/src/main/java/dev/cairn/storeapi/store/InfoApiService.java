package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.pb.thanos.ZLabelSet;
import dev.cairn.storeapi.pb.thanos.info.InfoGrpc;
import dev.cairn.storeapi.pb.thanos.info.InfoRequest;
import dev.cairn.storeapi.pb.thanos.info.InfoResponse;
import dev.cairn.storeapi.pb.thanos.info.StoreInfo;
import dev.cairn.storeapi.pb.thanos.info.TSDBInfo;
import dev.cairn.tsdb.labels.Labels;
import io.grpc.stub.StreamObserver;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code thanos.info.Info}: how Thanos queriers since 0.23 discover what an endpoint serves (older
 * ones call {@code thanos.Store/Info}, which {@link StoreApiService} answers). Announces a store
 * with the external labels as its one label set and the data's time range; no sharding, no
 * without_replica_labels, no projections (so queriers do those themselves).
 */
public final class InfoApiService extends InfoGrpc.InfoImplBase {
    private final Labels external;
    private final Supplier<TimeRange> range;
    private final String component;

    public InfoApiService(Labels external, Supplier<TimeRange> range, StoreType type) {
        this.external = external;
        this.range = range;
        // Thanos's component names: "sidecar", "store", "receive", "query", "rule"
        this.component = type.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> out) {
        TimeRange r = range.get();
        ZLabelSet.Builder set = ZLabelSet.newBuilder();
        external.forEach((n, v) -> set.addLabels(Label.newBuilder().setName(n).setValue(v)));
        InfoResponse.Builder b = InfoResponse.newBuilder()
                .setComponentType(component)
                .setStore(StoreInfo.newBuilder().setMinTime(r.minTime()).setMaxTime(r.maxTime())
                        .addTsdbInfos(TSDBInfo.newBuilder().setLabels(set).setMinTime(r.minTime()).setMaxTime(r.maxTime())));
        if (!external.isEmpty()) {
            b.addLabelSets(set);
        }
        out.onNext(b.build());
        out.onCompleted();
    }
}
