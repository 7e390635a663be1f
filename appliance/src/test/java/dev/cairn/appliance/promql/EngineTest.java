package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Engine API: value types, range queries, and errors with Prometheus's types and texts. */
class EngineTest {
    private static MemoryStorage storage() {
        MemoryStorage s = new MemoryStorage();
        long[] ts = new long[61];
        double[] vs = new double[61];
        for (int i = 0; i <= 60; i++) {
            ts[i] = i * 60_000L;
            vs[i] = i * 10;
        }
        s.add(Labels.of("__name__", "c", "job", "a"), ts, vs);
        s.add(Labels.of("__name__", "c", "job", "b"), ts, vs.clone());
        return s;
    }

    @Test
    void rangeQuery_rate_givesOnePointPerStepSortedByLabels() {
        QueryResult r = new Engine().rangeQuery(storage(), "rate(c[5m])", 600_000, 1_200_000, 300_000);
        Matrix m = assertInstanceOf(Matrix.class, r.value());
        assertEquals(2, m.series().size());
        assertEquals(Labels.of("job", "a"), m.series().get(0).labels());
        assertArrayEquals(new long[] {600_000, 900_000, 1_200_000}, m.series().get(0).ts());
        // 10 per minute, extrapolated over a full window: exactly 1/6 per second.
        for (double v : m.series().get(0).vs()) {
            assertEquals(10.0 / 60, v, 1e-12);
        }
    }

    @Test
    void rangeQuery_scalar_isOneSeriesWithoutLabels() {
        Matrix m = (Matrix) new Engine().rangeQuery(storage(), "time() * 2", 0, 120_000, 60_000).value();
        assertEquals(1, m.series().size());
        assertArrayEquals(new double[] {0, 120, 240}, m.series().get(0).vs());
    }

    @Test
    void instantQuery_string_and_scalar() {
        assertEquals(new StringValue(5, "x"), new Engine().instantQuery(storage(), "\"x\"", 5).value());
        assertEquals(new Scalar(5, 3), new Engine().instantQuery(storage(), "1 + 2", 5).value());
    }

    @Test
    void rangeQuery_ofRangeVector_isBadData() {
        PromqlException e = assertThrows(PromqlException.class,
                () -> new Engine().rangeQuery(storage(), "c[5m]", 0, 60_000, 1000));
        assertEquals(PromqlException.Type.BAD_DATA, e.type());
        assertEquals("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector",
                e.getMessage());
    }

    @Test
    void parseError_isBadDataWithParserMessage() {
        PromqlException e = assertThrows(PromqlException.class, () -> new Engine().instantQuery(storage(), "sum(", 0));
        assertEquals(PromqlException.Type.BAD_DATA, e.type());
        assertEquals("1:5: parse error: unclosed left parenthesis", e.getMessage());
    }

    @Test
    void tooManySamples_isExecutionErrorWithPrometheusText() {
        Engine engine = new Engine(EngineOptions.defaults().withMaxSamples(10));
        PromqlException e = assertThrows(PromqlException.class,
                () -> engine.rangeQuery(storage(), "c", 0, 3_600_000, 60_000));
        assertEquals(PromqlException.Type.EXECUTION, e.type());
        assertEquals("query processing would load too many samples into memory in query execution", e.getMessage());
    }

    @Test
    void canceledQuery_reportsCanceled() {
        AtomicBoolean cancel = new AtomicBoolean(true);
        PromqlException e = assertThrows(PromqlException.class,
                () -> new Engine().instantQuery(storage(), "c", 0, cancel));
        assertEquals(PromqlException.Type.CANCELED, e.type());
        assertEquals("query was canceled in expression evaluation", e.getMessage());
    }

    @Test
    void slowStorage_timesOut() {
        MemoryStorage s = storage();
        QuerierFactory slow = (mint, maxt) -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return s.querier(mint, maxt);
        };
        Engine engine = new Engine(EngineOptions.defaults().withTimeout(20));
        PromqlException e = assertThrows(PromqlException.class,
                () -> engine.instantQuery(slow, "c + c", 600_000));
        assertEquals(PromqlException.Type.TIMEOUT, e.type());
        assertEquals("query timed out in expression evaluation", e.getMessage());
    }

    @Test
    void lookbackDelta_isConfigurable() {
        Engine shortLookback = new Engine(EngineOptions.defaults().withLookbackDelta(30_000));
        Vector v = (Vector) shortLookback.instantQuery(storage(), "c", 3_600_000 + 40_000).value();
        assertEquals(0, v.samples().size());
        Vector v2 = (Vector) new Engine().instantQuery(storage(), "c", 3_600_000 + 40_000).value();
        assertEquals(2, v2.samples().size());
    }
}
