package dev.cairn.appliance.receive;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.query.DamagedBlocks;
import dev.cairn.appliance.query.LocalQuerier;
import dev.cairn.appliance.store.ExternalLabelsQuerier;
import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.storeapi.remotewrite.RemoteWriteSink;
import dev.cairn.storeapi.remotewrite.WriteRejectedException;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.MergeQuerier;
import dev.cairn.tsdb.storage.Querier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The receiver with tenants ({@code receive.tenancy: true}), as Thanos Receive's multi-TSDB: each remote write
 * request names its tenant in a header ({@code THANOS-TENANT}; absent: the default tenant), and each tenant has
 * its own {@link Db} (head, WAL, blocks) in {@code <receive.dir>/<tenant>}, its own {@link Receiver} and its own
 * {@link BlockShipping}, whose blocks carry the external label {@code tenant_id=<tenant>} beside the appliance's
 * ({@code cluster}, {@code receive_replica}). A tenant's Db is created by its first write and reopened at start by
 * listing the directory, so a restart serves every tenant that ever wrote.
 *
 * <p>Queries read all tenants through {@link #querier}: each tenant's series carry its label, and a matcher on
 * that label skips the other tenants' heads. The set of tenants is read when a querier opens, so a tenant's
 * first samples are visible to the next query, without waiting for the query layer's health checks.
 *
 * <p>Cost: each tenant holds a Db (a compaction thread, a WAL, a head with its 4096 stripes) even when it writes
 * little. Measured with one series per tenant: about 0.95 MiB of heap and 1.8 MiB of RSS per tenant with the
 * {@value #TENANT_CHUNK_WRITE_BUFFER}-byte head chunk write buffer tenants get, against 5.7 MiB of heap with the
 * single head's 4 MiB one, which is why tenants get the smaller buffer (~1,700 chunks per write call still).
 * Tenants are never dropped while running.
 *
 * <p>Thread-safe. {@link #stopWrites()} refuses later writes (500, the sender retries after the restart) and new
 * tenants; {@link #close()} then closes every Db.
 */
public final class Tenants implements RemoteWriteSink, MetricsSource, java.io.Closeable {
    private static final System.Logger LOG = System.getLogger(Tenants.class.getName());
    /** Head chunk write buffer of a tenant's Db: the default 4 MiB, allocated per head, is most of an idle tenant. */
    static final int TENANT_CHUNK_WRITE_BUFFER = 256 << 10;

    private final Path dir;
    private final DbOptions dbOptions;
    private final ApplianceConfig.Tenancy tenancy;
    private final Bucket bucket;
    private final Map<String, String> external;
    private final Labels queryLabels;
    private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();
    /** Serialises opening a new tenant's Db with {@link #stopWrites()}: one opener per name, none after stopping. */
    private final Object opening = new Object();
    private boolean stopped; // guarded by opening

    /** One tenant's storage; its labels are the external labels its blocks and series carry. */
    public record Tenant(String name, Db db, Receiver receiver, BlockShipping shipping, Labels labels) {
    }

    private Tenants(Path dir, DbOptions dbOptions, ApplianceConfig.Tenancy tenancy, Bucket bucket,
                    Map<String, String> external) {
        this.dir = dir;
        this.dbOptions = dbOptions.headChunkWriteBuffer() > TENANT_CHUNK_WRITE_BUFFER
                ? dbOptions.withHeadChunkWriteBuffer(TENANT_CHUNK_WRITE_BUFFER) : dbOptions;
        this.tenancy = tenancy;
        this.bucket = bucket;
        this.external = Map.copyOf(external);
        this.queryLabels = Labels.of(external);
    }

    /**
     * Opens every tenant found in {@code dir} (a directory per tenant), after deleting each one's shipped blocks
     * past {@code localRetentionMs}.
     *
     * @param external the labels every tenant's blocks carry besides the tenant's (external_labels, receive_replica)
     * @throws IOException when {@code dir} holds the single head of tenancy off (the message says what to do), or a
     *                     tenant's Db cannot be opened
     */
    public static Tenants open(Path dir, DbOptions dbOptions, ApplianceConfig.Tenancy tenancy, long localRetentionMs,
                               Bucket bucket, Map<String, String> external) throws IOException {
        if (!tenancy.enabled()) {
            throw new IllegalArgumentException("receive.tenancy is off: the receiver has one head, no tenants");
        }
        Files.createDirectories(dir);
        ReceiveLayout.requireTenantLayout(dir, tenancy.defaultTenant());
        Tenants t = new Tenants(dir, dbOptions, tenancy, bucket, external);
        try {
            for (String name : ReceiveLayout.tenantDirs(dir)) {
                String problem = TenantName.problem(name);
                if (problem != null) {
                    LOG.log(System.Logger.Level.WARNING, "Ignoring {0} in receive directory {1}: {2}", name, dir, problem);
                    continue;
                }
                BlockShipping.applyLocalRetention(dir.resolve(name), localRetentionMs);
                t.tenants.put(name, t.openTenant(name));
            }
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "Receive with tenants in {0}: {1} reopened", dir, t.tenants.keySet());
        return t;
    }

    /**
     * With tenancy off: refuses a receive directory holding tenants' heads (they would be ignored, unshipped);
     * the message says what to do.
     */
    public static void requireSingleLayout(Path dir) throws IOException {
        ReceiveLayout.requireSingleLayout(dir);
    }

    private Tenant openTenant(String name) throws IOException {
        Map<String, String> labels = new LinkedHashMap<>(external);
        labels.put(tenancy.label(), name);
        Path tdir = dir.resolve(name);
        Db db = Db.open(tdir, dbOptions);
        return new Tenant(name, db, new Receiver(db), new BlockShipping(tdir, bucket, labels), Labels.of(labels));
    }

    @Override
    public void write(List<DecodedSeries> series) throws WriteRejectedException, IOException {
        write(series, h -> null);
    }

    /**
     * Routes the request to the tenant its header names (the default tenant without it). An invalid name is
     * refused for good (400 with the reason); a tenant whose Db cannot be created fails the request (500: the
     * sender retries, e.g. once the disk has room).
     */
    @Override
    public void write(List<DecodedSeries> series, UnaryOperator<String> header)
            throws WriteRejectedException, IOException {
        String name = header.apply(tenancy.header());
        if (name == null || name.isEmpty()) {
            name = tenancy.defaultTenant();
        }
        String problem = TenantName.problem(name);
        if (problem != null) {
            throw new WriteRejectedException("header " + tenancy.header() + ": " + problem
                    + "; a tenant is a name without / or \\, control characters or a leading dot");
        }
        tenant(name).receiver().write(series);
    }

    /** The tenant's storage, created (directory, WAL) on its first use. */
    Tenant tenant(String name) throws IOException {
        Tenant t = tenants.get(name);
        if (t != null) {
            return t;
        }
        synchronized (opening) {
            t = tenants.get(name);
            if (t != null) {
                return t;
            }
            if (stopped) {
                throw new IOException("the receiver is shutting down; retry after it restarts");
            }
            try {
                t = openTenant(name);
            } catch (IOException e) {
                throw new IOException("creating the head of new tenant " + name + " in " + dir.resolve(name)
                        + ": " + e.getMessage(), e);
            }
            tenants.put(name, t);
            LOG.log(System.Logger.Level.INFO, "New tenant {0}: head and WAL in {1}", name, t.db().dir());
            return t;
        }
    }

    /** The tenants open now, by name. */
    public Map<String, Tenant> tenants() {
        return new TreeMap<>(tenants);
    }

    /**
     * A querier over every tenant's data in [mint, maxt], each series with its tenant's external labels (the
     * appliance's and the tenant label, as on its shipped blocks), so that the head's and the bucket's halves of a
     * series are one series. A matcher on the tenant label rules out the other tenants without reading them.
     * Each tenant's blocks are read one by one: a damaged one is left out and reported to {@code damaged}.
     */
    public Querier querier(long mint, long maxt, DamagedBlocks damaged) {
        List<Querier> each = new ArrayList<>(tenants.size());
        try {
            for (Tenant t : tenants().values()) {
                each.add(ExternalLabelsQuerier.wrap(new LocalQuerier(t.db(), mint, maxt, damaged), t.labels()));
            }
        } catch (RuntimeException e) {
            each.forEach(Querier::close);
            throw e;
        }
        return new MergeQuerier(each);
    }

    /** The labels of the whole receiver for the query layer: those every tenant's series carry. */
    public Labels commonLabels() {
        return queryLabels;
    }

    /** Uploads each tenant's new blocks; a tenant's failure is counted and logged, and does not stop the others. */
    public void ship() {
        for (Tenant t : tenants().values()) {
            t.shipping().sync();
        }
    }

    /** Stops taking writes, once those in flight are done; new tenants are refused. Does not close the Dbs. */
    public void stopWrites() {
        synchronized (opening) {
            stopped = true;
        }
        for (Tenant t : tenants.values()) {
            t.receiver().close();
        }
    }

    @Override
    public void writeMetrics(MetricsText out) {
        Map<String, Tenant> now = tenants();
        Map<String, Receiver> receivers = new LinkedHashMap<>();
        Map<String, BlockShipping> shippers = new LinkedHashMap<>();
        now.forEach((name, t) -> {
            receivers.put(name, t.receiver());
            shippers.put(name, t.shipping());
        });
        Receiver.writeMetrics(out, receivers, "tenant");
        BlockShipping.writeMetrics(out, shippers, "tenant");
        out.single("cairn_receive_tenants", "gauge", "Tenants with a head on this receiver.", now.size());
    }

    /** Stops writes if not done yet and closes every tenant's Db (flushing its WAL). */
    @Override
    public void close() throws IOException {
        stopWrites();
        IOException first = null;
        for (Tenant t : tenants.values()) {
            try {
                t.db().close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
