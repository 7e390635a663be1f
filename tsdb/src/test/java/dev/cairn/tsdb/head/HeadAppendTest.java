package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static dev.cairn.tsdb.head.HeadTestSupport.appendInTimeOrder;
import static dev.cairn.tsdb.head.HeadTestSupport.clipAll;
import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static dev.cairn.tsdb.head.HeadTestSupport.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadAppendTest {
    private final Head head = Head.inMemory(HeadOptions.defaults());

    @Test
    void appendAndQuery_randomSeries_roundTripBitForBit() throws IOException {
        List<Samples> in = RandomSeries.generate(new Random(7), RandomSeries.Spec.of(60, 700, 1_700_000_000_000L));
        appendInTimeOrder(head, in, 97);
        List<Samples> out = selectAll(head.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(clipAll(in, Long.MIN_VALUE, Long.MAX_VALUE), out);
        long total = in.stream().mapToLong(Samples::size).sum();
        assertEquals(total, head.stats().samplesAppended());
        assertEquals(in.size(), head.numSeries());
    }

    @Test
    void query_range_clipsSamplesAndDropsSeriesOutsideIt() throws IOException {
        List<Samples> in = RandomSeries.generate(new Random(8), RandomSeries.Spec.of(30, 400, 1_000_000L));
        appendInTimeOrder(head, in, 50);
        long mint = 1_000_000L + 200_000;
        long maxt = mint + 3_000_000;
        assertEquals(clipAll(in, mint, maxt), selectAll(head.querier(mint, maxt)));
    }

    @Test
    void append_staleMarker_keptWithItsBits() throws IOException {
        Labels l = series("up", "job", "a");
        HeadAppender app = head.appender();
        app.append(l, 1000, 1.0);
        app.append(l, 2000, Samples.STALE_NAN);
        app.append(l, 3000, Double.NaN);
        app.commit();
        Samples s = selectAll(head.querier(0, 10_000)).get(0);
        assertEquals(Samples.STALE_NAN_BITS, Double.doubleToRawLongBits(s.v(1)));
        assertEquals(Double.doubleToRawLongBits(Double.NaN), Double.doubleToRawLongBits(s.v(2)));
    }

    @Test
    void append_outOfOrderSample_isRejectedAndCounted() throws IOException {
        Labels l = series("m");
        HeadAppender app = head.appender();
        assertEquals(AppendResult.OK, app.append(l, 10_000, 1));
        app.commit();
        assertEquals(AppendResult.OUT_OF_ORDER, app.append(l, 9_000, 2));
        // within one batch too
        assertEquals(AppendResult.OK, app.append(l, 12_000, 3));
        assertEquals(AppendResult.OUT_OF_ORDER, app.append(l, 11_000, 4));
        app.commit();
        assertEquals(2, head.stats().outOfOrderSamples());
        Samples s = selectAll(head.querier(0, 100_000)).get(0);
        assertEquals(new Samples(l, new long[]{10_000, 12_000}, new double[]{1, 3}), s);
        assertEquals("out of order sample", AppendResult.OUT_OF_ORDER.message());
    }

    @Test
    void append_sameTimestampSameValue_isIgnored() throws IOException {
        Labels l = series("m");
        HeadAppender app = head.appender();
        app.append(l, 5_000, 42);
        app.commit();
        assertEquals(AppendResult.OK, app.append(l, 5_000, 42));
        assertEquals(1, app.commit() + 1, "an exact duplicate is not applied again");
        assertEquals(1, head.stats().samplesAppended());
        assertEquals(0, head.stats().duplicateSamples() + head.stats().outOfOrderSamples());
    }

    @Test
    void append_sameTimestampOtherValue_isDuplicateError() throws IOException {
        Labels l = series("m");
        HeadAppender app = head.appender();
        app.append(l, 5_000, 42);
        assertEquals(AppendResult.DUPLICATE, app.append(l, 5_000, 43), "within the batch");
        app.commit();
        assertEquals(AppendResult.DUPLICATE, app.append(l, 5_000, 44), "against committed data");
        // NaN payloads differ by bits: a stale marker is not the same value as NaN
        app.append(l, 6_000, Double.NaN);
        app.commit();
        assertEquals(AppendResult.DUPLICATE, app.append(l, 6_000, Samples.STALE_NAN));
        assertEquals(3, head.stats().duplicateSamples());
        assertEquals("duplicate sample for timestamp", AppendResult.DUPLICATE.message());
    }

    @Test
    void append_emptyHead_takesAnyTimestamp() throws IOException {
        HeadAppender app = head.appender();
        assertEquals(AppendResult.OK, app.append(series("old"), -5_000_000_000L, 1));
        app.commit();
        assertEquals(-5_000_000_000L, head.minTime());
    }

    @Test
    void append_olderThanHalfChunkRange_isOutOfBounds() throws IOException {
        long range = head.options().chunkRange();
        HeadAppender app = head.appender();
        app.append(series("a"), 10 * range, 1);
        app.commit();
        // the window is relative to the head's max time, not to the wall clock
        assertEquals(AppendResult.OK, app.append(series("b"), 10 * range - range / 2, 1));
        assertEquals(AppendResult.OUT_OF_BOUNDS, app.append(series("c"), 10 * range - range / 2 - 1, 1));
        app.commit();
        assertEquals(1, head.stats().outOfBoundsSamples());
        assertEquals(2, head.numSeries(), "an out-of-bounds sample creates no series");
    }

    @Test
    void rollback_dropsBufferedSamples() throws IOException {
        HeadAppender app = head.appender();
        app.append(series("m"), 1_000, 1);
        app.rollback();
        assertTrue(selectAll(head.querier(0, 10_000)).isEmpty());
        assertFalse(head.initialized());
        app.append(series("m"), 2_000, 2);
        app.commit();
        assertEquals(1, selectAll(head.querier(0, 10_000)).size());
    }

    @Test
    void select_matchers_useMemPostings() throws IOException {
        HeadAppender app = head.appender();
        app.append(series("m", "job", "a", "i", "1"), 1, 1);
        app.append(series("m", "job", "b", "i", "2"), 1, 1);
        app.append(series("n", "job", "a"), 1, 1);
        app.commit();
        var q = head.querier(0, 10);
        SeriesSet set = q.select(List.of(Matcher.equal("job", "a")));
        List<Samples> got = Samples.drain(set);
        assertEquals(List.of(series("m", "job", "a", "i", "1"), series("n", "job", "a")),
                got.stream().map(Samples::labels).toList());
        assertEquals(List.of("1", "2"), q.labelValues("i", List.of()));
        assertEquals(List.of("1"), q.labelValues("i", List.of(Matcher.equal("job", "a"))));
        assertEquals(List.of("__name__", "job"), q.labelNames(List.of(Matcher.equal("__name__", "n"))));
    }

    @Test
    void query_seesSnapshot_notLaterAppends() throws IOException {
        Labels l = series("m");
        HeadAppender app = head.appender();
        app.append(l, 1, 1);
        app.commit();
        SeriesSet set = head.querier(0, 100).select(List.of(Matcher.equal("__name__", "m")));
        app.append(l, 2, 2);
        app.commit();
        assertEquals(1, Samples.drain(set).get(0).size());
    }

    @Test
    void append_withRef_skipsLookupAndFallsBackWhenSeriesIsGone() throws IOException {
        Labels l = series("m");
        HeadAppender app = head.appender();
        app.append(0, l, 1_000, 1);
        long ref = app.ref();
        assertTrue(ref > 0);
        assertEquals(AppendResult.OK, app.append(ref, l, 2_000, 2));
        assertEquals(ref, app.ref());
        app.commit();
        // a rejected sample still tells which series it was for
        assertEquals(AppendResult.OUT_OF_ORDER, app.append(ref, l, 500, 0));
        assertEquals(ref, app.ref());
        // the series is truncated away; the stale ref is ignored and the labels make a new series
        head.truncate(10_000);
        assertEquals(0, head.numSeries());
        assertEquals(AppendResult.OK, app.append(ref, l, 20_000, 3));
        assertTrue(app.ref() > ref, "a new series, a new id");
        app.commit();
        assertEquals(1, selectAll(head.querier(0, 100_000)).get(0).size());
    }

    @Test
    void commit_afterBlockCutRaisedMinValidTime_refusesSamplesBeforeIt() throws IOException {
        HeadAppender app = head.appender();
        app.append(series("m"), 1_000, 1);
        app.append(series("m"), 5_000, 2);
        // a block over [.., 3000) is being cut while this appender still holds its batch
        head.raiseMinValidTime(3_000);
        assertEquals(1, app.commit());
        assertEquals(1, head.stats().outOfBoundsSamples());
        Samples s = selectAll(head.querier(0, 10_000)).get(0);
        assertEquals(1, s.size());
        assertEquals(5_000, s.t(0));
    }

    @Test
    void append_emptyLabelSet_isRejected() throws IOException {
        HeadAppender app = head.appender();
        assertEquals(AppendResult.EMPTY_LABELSET, app.append(Labels.EMPTY, 1, 1));
        app.commit();
        assertEquals(0, head.numSeries());
    }

    @Test
    void append_emptyLabelSetWithValidRef_goesToTheRefsSeries() throws IOException {
        // as Prometheus: the labels are only looked at when the reference names no series
        HeadAppender app = head.appender();
        app.append(series("m"), 1_000, 1);
        long ref = app.ref();
        assertEquals(AppendResult.OK, app.append(ref, Labels.EMPTY, 2_000, 2));
        app.commit();
        assertEquals(2, selectAll(head.querier(0, 10_000)).get(0).size());
    }

    @Test
    void truncate_dropsPendingSeriesOpenChunk_itsNewestSampleStillRulesTheNext() throws IOException {
        Labels l = series("idle");
        HeadAppender app = head.appender();
        app.append(l, 1_000, 5.0);
        app.commit();
        // a batch holds a sample for the series while a block cut drops the series' only chunk
        HeadAppender pending = head.appender();
        assertEquals(AppendResult.OK, pending.append(l, 2_000_000, 6.0));
        head.truncate(1_500_000);
        assertEquals(1, head.numSeries(), "a pending commit keeps the series");
        assertEquals(1, pending.commit());
        // the next chunk starts from no buffer and grows past its first allocation
        Random r = new Random(11);
        long[] ts = new long[301];
        double[] vs = new double[301];
        ts[0] = 2_000_000;
        vs[0] = 6.0;
        for (int i = 1; i < ts.length; i++) {
            ts[i] = ts[i - 1] + 15_000;
            vs[i] = r.nextDouble() * 1e9;
            assertEquals(AppendResult.OK, app.append(l, ts[i], vs[i]));
        }
        app.commit();
        // the newest sample's time and value bits survive chunk drops and cuts alike
        assertEquals(AppendResult.OK, app.append(l, ts[300], vs[300]), "same time, same value");
        assertEquals(AppendResult.DUPLICATE, app.append(l, ts[300], vs[300] + 1));
        assertEquals(AppendResult.OUT_OF_ORDER, app.append(l, ts[299], vs[299]));
        app.commit();
        assertEquals(List.of(new Samples(l, ts, vs)), selectAll(head.querier(0, Long.MAX_VALUE)));
    }
}
