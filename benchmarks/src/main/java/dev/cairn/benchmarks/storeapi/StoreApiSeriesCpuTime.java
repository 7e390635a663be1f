package dev.cairn.benchmarks.storeapi;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * {@link StoreApiSeriesBenchmark}'s Series calls timed by the whole process's CPU time (server,
 * client, transport threads and the garbage collector together): series and samples per
 * CPU-second, a figure that a loaded shared machine disturbs far less than wall-clock throughput.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.cairn.benchmarks.storeapi.StoreApiSeriesCpuTime [seconds]</pre>
 */
public final class StoreApiSeriesCpuTime {
    private StoreApiSeriesCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double checksum = 0;
        System.out.printf("%-10s %16s %20s %10s%n", "transport", "series/CPU-s", "samples/CPU-second", "calls/s");
        for (String transport : new String[] {"inprocess", "netty"}) {
            StoreApiSeriesBenchmark b = new StoreApiSeriesBenchmark();
            b.transport = transport;
            b.setUp();
            try {
                StoreApiSeriesBenchmark.Counters c = new StoreApiSeriesBenchmark.Counters();
                for (int pass = 0; pass < 2; pass++) { // pass 0 warms up the JIT
                    c.reset();
                    long start = os.getProcessCpuTime();
                    long wallStart = System.nanoTime();
                    long end = start + (long) (seconds * 1e9);
                    long calls = 0;
                    long now;
                    do {
                        checksum += b.series(c);
                        calls++;
                        now = os.getProcessCpuTime();
                    } while (now < end);
                    if (pass == 1) {
                        double cpu = (now - start) / 1e9;
                        double wall = (System.nanoTime() - wallStart) / 1e9;
                        System.out.printf("%-10s %,16.0f %,20.0f %10.1f%n", transport, c.series / cpu, c.samples / cpu,
                                calls / wall);
                    }
                }
            } finally {
                b.tearDown();
            }
        }
        System.out.println("(checksum " + checksum + ")");
    }
}
