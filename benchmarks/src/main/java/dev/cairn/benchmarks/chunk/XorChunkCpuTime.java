package dev.cairn.benchmarks.chunk;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The {@link XorChunkBenchmark} loops timed by this thread's CPU time instead of wall time: on a
 * shared, overloaded build machine JMH's wall-clock figures fall with the load, while samples per
 * CPU-second estimate what one core does. Not a replacement for JMH (no forks, no blackholes beyond
 * a checksum); a cross-check.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.cairn.benchmarks.chunk.XorChunkCpuTime [seconds]</pre>
 */
public final class XorChunkCpuTime {
    private XorChunkCpuTime() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long checksum = 0;
        System.out.printf("%-10s %-8s %22s%n", "shape", "op", "samples/CPU-second");
        for (String shape : new String[] {"counter", "gauge", "constant"}) {
            XorChunkBenchmark b = new XorChunkBenchmark();
            b.shape = shape;
            b.setUp();
            for (String op : new String[] {"append", "iterate"}) {
                for (int pass = 0; pass < 2; pass++) { // pass 0 warms up the JIT
                    long start = mx.getCurrentThreadCpuTime();
                    long end = start + (long) (seconds * 1e9);
                    long ops = 0;
                    long now;
                    do {
                        for (int i = 0; i < 1000; i++) {
                            checksum += op.equals("append") ? b.append().length() : b.sumTimestamps();
                        }
                        ops += 1000;
                        now = mx.getCurrentThreadCpuTime();
                    } while (now < end);
                    if (pass == 1) {
                        double rate = ops * (double) XorChunkBenchmark.SAMPLES / ((now - start) / 1e9);
                        System.out.printf("%-10s %-8s %,22.0f%n", shape, op, rate);
                    }
                }
            }
        }
        System.out.println("(checksum " + checksum + ")");
    }
}
