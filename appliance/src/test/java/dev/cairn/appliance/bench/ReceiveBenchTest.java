package dev.cairn.appliance.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench command runs end to end in quick mode against the appliance and the real Prometheus
 * (fails, not skips, when /usr/bin/prometheus is missing) and measures something sane on both sides.
 * About 20 s.
 */
class ReceiveBenchTest {
    @TempDir
    Path dir;

    @Test
    void quickRun_measuresBothReceivers_andTheyAnswerQueriesAlike() throws Exception {
        ReceiveBench.Options o = ReceiveBench.Options.quick();
        List<ReceiveBench.Result> r = ReceiveBench.run(o, dir, new PrintStream(new ByteArrayOutputStream()));
        int series = new NodeExporterLoad(o.series(), 0).series();
        long expected = (long) series * o.steps();
        for (ReceiveBench.Result x : r) {
            String who = x.name() + ": ";
            assertEquals(expected, x.allSamples(), who + "samples answered 2xx");
            assertEquals((long) series * (o.steps() - o.warmupSteps()), x.samples(), who + "samples measured");
            assertTrue(x.seconds() > 0 && x.seconds() < x.allSeconds(), who + "measured rounds inside all rounds");
            assertEquals(0, x.refusedRequests(), who + "refused requests");
            assertEquals((long) series * (o.steps() + o.pacedSteps()), x.samplesTaken(),
                    who + "samples its own /metrics counts, the paced scrapes included");
            assertTrue(x.rssPacedKib() > 0, who + "RSS after the paced scrapes read from /proc");
            assertEquals(series, x.headSeries(), who + "head series");
            assertTrue(x.samplesPerSecond() > 1000, who + "samples/s " + x.samplesPerSecond());
            assertTrue(x.cpuSeconds() > 0, who + "receiver CPU after the warm-up " + x.cpuSeconds());
            assertTrue(x.rssAfterKib() > 0 && x.rssBeforeKib() > 0, who + "RSS read from /proc");
            assertTrue(x.blocks() >= 1, who + "a block was cut");
            assertTrue(x.blockSamples() > 0 && x.blockSamples() < expected, who + "block samples " + x.blockSamples());
            assertTrue(x.bytesPerSample() > 0.5 && x.bytesPerSample() < 200, who + "bytes/sample " + x.bytesPerSample());
            assertEquals(ReceiveBench.QUERIES.size(), x.queries().size());
            for (ReceiveBench.QueryTiming q : x.queries()) {
                assertTrue(q.medianMillis() > 0 && q.resultSeries() > 0, who + q);
            }
        }
        // the same load gives the same answers: same number of series and points for every query
        for (int i = 0; i < ReceiveBench.QUERIES.size(); i++) {
            ReceiveBench.QueryTiming a = r.get(0).queries().get(i);
            ReceiveBench.QueryTiming p = r.get(1).queries().get(i);
            assertEquals(p.resultSeries(), a.resultSeries(), a.query());
            assertEquals(p.points(), a.points(), a.query());
        }
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ReceiveBench.print(o, r.get(0), r.get(1), new PrintStream(table, true, StandardCharsets.UTF_8));
        assertTrue(table.toString(StandardCharsets.UTF_8).contains("ingest samples/s"));
    }
}
