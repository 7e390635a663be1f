package dev.cairn.appliance.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Remote-write load shaped like a fleet of node exporters scraped every 15 s: per instance about
 * 140 series of the families a real {@code node_exporter} exposes most ({@code node_cpu_seconds_total
 * {cpu,mode}}, network and disk counters per {@code device}, filesystem and memory gauges, load,
 * {@code up}, {@code scrape_duration_seconds}), labels {@code instance}, {@code job} and the
 * family's own, values that move as the real ones do (counters in 1/100 s or whole bytes, gauges in
 * pages, a few full-entropy floats), and each instance scraped at its own phase with a few ms of
 * jitter. Deterministic: the same (series, step) always gives the same sample.
 *
 * <p>The encoding is done by hand into a reused buffer (labels pre-encoded per series), so the
 * generator costs little beside the receiver it loads. A request holds a run of consecutive series
 * at one step; each series' state is touched by one request per step only, so requests of one step
 * may be built concurrently.
 */
final class NodeExporterLoad {
    static final long SCRAPE_INTERVAL_MS = 15_000;

    /** How a series' value moves from one scrape to the next. */
    private enum Model { CPU_IDLE, CPU_BUSY, COUNTER_BYTES, COUNTER_OPS, COUNTER_RARE, CONST, PAGES, LOAD, TIME, NOISE }

    private final int series;
    private final int perInstance;
    private final long t0;
    private final byte[][] labels;
    private final Model[] model;
    private final double[] value;
    private final long[] phaseMs;

    /** {@code series} series (rounded down to whole instances, at least one), first scrape at {@code t0} ms. */
    NodeExporterLoad(int series, long t0) {
        List<Map<String, String>> template = new ArrayList<>();
        List<Model> models = new ArrayList<>();
        instanceTemplate(template, models);
        this.perInstance = template.size();
        int instances = Math.max(1, series / perInstance);
        this.series = instances * perInstance;
        this.t0 = t0;
        this.labels = new byte[this.series][];
        this.model = new Model[this.series];
        this.value = new double[this.series];
        this.phaseMs = new long[instances];
        for (int i = 0; i < instances; i++) {
            phaseMs[i] = (long) i * SCRAPE_INTERVAL_MS / instances;
            String instance = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255) + ":9100";
            for (int j = 0; j < perInstance; j++) {
                int s = i * perInstance + j;
                Map<String, String> ls = new TreeMap<>(template.get(j));
                ls.put("instance", instance);
                ls.put("job", "node");
                labels[s] = encodeLabels(ls);
                model[s] = models.get(j);
                value[s] = initial(model[s], s);
            }
        }
    }

    int series() {
        return series;
    }

    int instances() {
        return phaseMs.length;
    }

    /** Timestamp (ms) of {@code step}'s scrape of the instance that series {@code s} belongs to. */
    long timestamp(int s, int step) {
        int inst = s / perInstance;
        return t0 + phaseMs[inst] + step * SCRAPE_INTERVAL_MS + (mix(inst * 7919L + step) & 3);
    }

    /** The earliest and latest timestamp of steps [0, steps). */
    long minTime() {
        return t0;
    }

    long maxTime(int steps) {
        return t0 + SCRAPE_INTERVAL_MS * (steps - 1) + SCRAPE_INTERVAL_MS + 4;
    }

    /**
     * The snappy-compressed remote-write 1.0 body of series [from, to) at {@code step}; advances
     * their values, so each (range, step) must be built exactly once and steps in order.
     */
    byte[] request(int from, int to, int step, Scratch scratch) {
        byte[] b = scratch.raw;
        int p = 0;
        for (int s = from; s < to; s++) {
            double v = next(s, step);
            long ts = timestamp(s, step);
            int sample = 1 + 8 + 1 + varintSize(ts);
            int msg = labels[s].length + 1 + varintSize(sample) + sample;
            int need = p + 1 + 5 + msg;
            if (need > b.length) {
                byte[] bigger = new byte[Math.max(need, b.length * 2)];
                System.arraycopy(b, 0, bigger, 0, p);
                b = bigger;
                scratch.raw = b;
            }
            b[p++] = 0x0A; // WriteRequest.timeseries = 1
            p = putVarint(b, p, msg);
            System.arraycopy(labels[s], 0, b, p, labels[s].length);
            p += labels[s].length;
            b[p++] = 0x12; // TimeSeries.samples = 2
            p = putVarint(b, p, sample);
            b[p++] = 0x09; // Sample.value = 1, fixed64 little-endian
            long bits = Double.doubleToRawLongBits(v);
            for (int k = 0; k < 64; k += 8) {
                b[p++] = (byte) (bits >>> k);
            }
            b[p++] = 0x10; // Sample.timestamp = 2, varint
            p = putVarint(b, p, ts);
        }
        try {
            int max = Snappy.maxCompressedLength(p);
            if (scratch.compressed.length < max) {
                scratch.compressed = new byte[max];
            }
            int n = Snappy.compress(b, 0, p, scratch.compressed, 0);
            return java.util.Arrays.copyOf(scratch.compressed, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per-thread encoding buffers. */
    static final class Scratch {
        byte[] raw = new byte[256 << 10];
        byte[] compressed = new byte[Snappy.maxCompressedLength(256 << 10)];
    }

    private double next(int s, int step) {
        double u = (mix(s * 1_000_003L + step) >>> 11) * 0x1.0p-53;
        double v = value[s];
        switch (model[s]) {
            case CPU_IDLE -> v = Math.round((v + 13.5 + u) * 100) / 100.0;
            case CPU_BUSY -> v = Math.round((v + u * u * 0.8) * 100) / 100.0;
            case COUNTER_BYTES -> v += Math.floor(20_000 + u * 180_000);
            case COUNTER_OPS -> v += Math.floor(u * 150);
            case COUNTER_RARE -> v += u < 0.02 ? 1 : 0;
            case CONST -> { }
            case PAGES -> v = Math.max(4096, v + 4096 * Math.floor((u - 0.5) * 64));
            case LOAD -> v = Math.max(0, Math.round((v + (u - 0.5) * 0.3) * 100) / 100.0);
            case TIME -> v = (timestamp(s, step) + u) / 1000.0;
            case NOISE -> v = 0.004 + u * 0.03;
        }
        value[s] = v;
        return v;
    }

    private static double initial(Model m, int s) {
        double u = (mix(s) >>> 11) * 0x1.0p-53;
        return switch (m) {
            case CPU_IDLE -> Math.round(u * 4_000_000) / 100.0;
            case CPU_BUSY -> Math.round(u * 300_000) / 100.0;
            case COUNTER_BYTES -> Math.floor(u * 1e12);
            case COUNTER_OPS -> Math.floor(u * 1e8);
            case COUNTER_RARE -> Math.floor(u * 10);
            case CONST -> Math.floor(1 + u * 64) * (1L << 30);
            case PAGES -> 4096 * Math.floor(u * 2_000_000);
            case LOAD -> Math.round(u * 400) / 100.0;
            case TIME, NOISE -> 0;
        };
    }

    /** The families of one node exporter (label sets without instance/job) and their value models. */
    private static void instanceTemplate(List<Map<String, String>> ls, List<Model> models) {
        String[] modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
        for (int cpu = 0; cpu < 8; cpu++) {
            for (String mode : modes) {
                add(ls, models, "node_cpu_seconds_total", mode.equals("idle") ? Model.CPU_IDLE : Model.CPU_BUSY,
                        "cpu", Integer.toString(cpu), "mode", mode);
            }
        }
        for (String dev : new String[] {"eth0", "lo"}) {
            for (String dir : new String[] {"receive", "transmit"}) {
                add(ls, models, "node_network_" + dir + "_bytes_total", Model.COUNTER_BYTES, "device", dev);
                add(ls, models, "node_network_" + dir + "_packets_total", Model.COUNTER_OPS, "device", dev);
                add(ls, models, "node_network_" + dir + "_errs_total", Model.COUNTER_RARE, "device", dev);
                add(ls, models, "node_network_" + dir + "_drop_total", Model.COUNTER_RARE, "device", dev);
            }
        }
        for (String dev : new String[] {"sda", "sdb"}) {
            add(ls, models, "node_disk_read_bytes_total", Model.COUNTER_BYTES, "device", dev);
            add(ls, models, "node_disk_written_bytes_total", Model.COUNTER_BYTES, "device", dev);
            add(ls, models, "node_disk_reads_completed_total", Model.COUNTER_OPS, "device", dev);
            add(ls, models, "node_disk_writes_completed_total", Model.COUNTER_OPS, "device", dev);
            add(ls, models, "node_disk_io_time_seconds_total", Model.CPU_BUSY, "device", dev);
        }
        String[][] fs = {{"/dev/sda1", "/", "ext4"}, {"/dev/sda2", "/boot", "ext4"}, {"/dev/sdb1", "/var", "xfs"}};
        for (String[] f : fs) {
            add(ls, models, "node_filesystem_size_bytes", Model.CONST, "device", f[0], "fstype", f[2], "mountpoint", f[1]);
            add(ls, models, "node_filesystem_avail_bytes", Model.PAGES, "device", f[0], "fstype", f[2], "mountpoint", f[1]);
            add(ls, models, "node_filesystem_free_bytes", Model.PAGES, "device", f[0], "fstype", f[2], "mountpoint", f[1]);
        }
        String[] mem = {"Active", "Active_anon", "Active_file", "AnonPages", "Buffers", "Cached", "Committed_AS",
            "Dirty", "Inactive", "Inactive_anon", "Inactive_file", "Mapped", "MemAvailable", "MemFree", "PageTables",
            "SReclaimable", "SUnreclaim", "Shmem", "Slab", "SwapCached", "SwapFree", "Writeback", "KernelStack",
            "VmallocUsed", "Percpu"};
        for (String m : mem) {
            add(ls, models, "node_memory_" + m + "_bytes", Model.PAGES);
        }
        for (String m : new String[] {"MemTotal", "SwapTotal", "VmallocTotal", "HugePages_Total", "Hugepagesize"}) {
            add(ls, models, "node_memory_" + m + "_bytes", Model.CONST);
        }
        add(ls, models, "node_load1", Model.LOAD);
        add(ls, models, "node_load5", Model.LOAD);
        add(ls, models, "node_load15", Model.LOAD);
        add(ls, models, "node_context_switches_total", Model.COUNTER_BYTES);
        add(ls, models, "node_intr_total", Model.COUNTER_BYTES);
        add(ls, models, "node_forks_total", Model.COUNTER_OPS);
        add(ls, models, "node_procs_running", Model.LOAD);
        add(ls, models, "node_procs_blocked", Model.COUNTER_RARE);
        add(ls, models, "node_boot_time_seconds", Model.CONST);
        add(ls, models, "node_time_seconds", Model.TIME);
        add(ls, models, "node_entropy_available_bits", Model.CONST);
        add(ls, models, "up", Model.CONST);
        add(ls, models, "scrape_duration_seconds", Model.NOISE);
        add(ls, models, "scrape_samples_scraped", Model.CONST);
    }

    private static void add(List<Map<String, String>> ls, List<Model> models, String name, Model m, String... kv) {
        Map<String, String> l = new TreeMap<>();
        l.put("__name__", name);
        for (int i = 0; i < kv.length; i += 2) {
            l.put(kv[i], kv[i + 1]);
        }
        ls.add(l);
        models.add(m);
    }

    /** The {@code repeated Label labels = 1} fields of a TimeSeries, sorted by name as Prometheus sends them. */
    private static byte[] encodeLabels(Map<String, String> sorted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] tmp = new byte[10];
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            int msg = 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length;
            out.write(0x0A);
            out.write(tmp, 0, putVarint(tmp, 0, msg));
            out.write(0x0A);
            out.write(tmp, 0, putVarint(tmp, 0, n.length));
            out.write(n, 0, n.length);
            out.write(0x12);
            out.write(tmp, 0, putVarint(tmp, 0, v.length));
            out.write(v, 0, v.length);
        }
        return out.toByteArray();
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /** SplitMix64's finaliser: a well-spread hash of {@code z}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
