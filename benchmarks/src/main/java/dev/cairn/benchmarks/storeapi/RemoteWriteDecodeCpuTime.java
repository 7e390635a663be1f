package dev.cairn.benchmarks.storeapi;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The {@link RemoteWriteDecodeBenchmark} requests decoded in a loop timed by this thread's CPU time
 * instead of wall time: on a shared, overloaded build machine JMH's wall-clock figures fall with the
 * load, while samples per CPU-second estimate what one core does. The garbage collector's threads
 * are not counted (the decoded arrays and labels are the receiver's to keep, so they are allocated).
 * A cross-check of the JMH figures, not a replacement.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.cairn.benchmarks.storeapi.RemoteWriteDecodeCpuTime [seconds]</pre>
 */
public final class RemoteWriteDecodeCpuTime {
    private RemoteWriteDecodeCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long checksum = 0;
        System.out.printf("%-8s %-8s %-22s %16s %22s%n", "series", "samples", "op", "requests/CPU-s", "samples/CPU-second");
        for (int perSeries : new int[] {1, 5, 10}) {
            RemoteWriteDecodeBenchmark b = new RemoteWriteDecodeBenchmark();
            b.series = 500;
            b.samplesPerSeries = perSeries;
            b.setUp();
            RemoteWriteDecodeBenchmark.Counters c = new RemoteWriteDecodeBenchmark.Counters();
            for (String op : new String[] {"decodeSnappyProtobuf", "protobufJava"}) {
                for (int pass = 0; pass < 2; pass++) { // pass 0 warms up the JIT
                    c.reset();
                    long start = mx.getCurrentThreadCpuTime();
                    long end = start + (long) (seconds * 1e9);
                    long requests = 0;
                    long now;
                    do {
                        for (int i = 0; i < 50; i++) {
                            checksum += op.equals("protobufJava") ? b.protobufJava(c).getTimeseriesCount()
                                    : b.decodeSnappyProtobuf(c).series().size();
                        }
                        requests += 50;
                        now = mx.getCurrentThreadCpuTime();
                    } while (now < end);
                    if (pass == 1) {
                        double cpu = (now - start) / 1e9;
                        System.out.printf("%-8d %-8d %-22s %,16.0f %,22.0f%n", 500, perSeries, op, requests / cpu,
                                c.samples / cpu);
                    }
                }
            }
        }
        System.out.println("(checksum " + checksum + ")");
    }
}
