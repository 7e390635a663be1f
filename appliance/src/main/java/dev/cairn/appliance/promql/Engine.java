package dev.cairn.appliance.promql;

import dev.cairn.appliance.promql.parser.Expr;
import dev.cairn.appliance.promql.parser.ParseException;
import dev.cairn.appliance.promql.parser.Parser;
import dev.cairn.appliance.promql.parser.ValueType;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PromQL engine: parses a query, evaluates it over the storage a {@link QuerierFactory} opens,
 * and returns its value with Prometheus 2.x semantics. Thread-safe: each query has its own state.
 *
 * <p>Errors come as {@link PromqlException} with the API error type and Prometheus's message:
 * {@code bad_data} for parse errors and invalid parameters, {@code execution} for evaluation errors
 * (matching conflicts, too many samples...), {@code timeout} after {@link EngineOptions#timeoutMs()},
 * {@code canceled} when the calling thread is interrupted or the cancel flag is set.
 */
public final class Engine {
    /** Prometheus's limit on points per series of a range query. */
    static final long MAX_POINTS = 11_000;

    private final EngineOptions options;

    public Engine(EngineOptions options) {
        this.options = options;
    }

    public Engine() {
        this(EngineOptions.defaults());
    }

    public EngineOptions options() {
        return options;
    }

    /** Evaluates {@code query} at {@code timeMs}. */
    public QueryResult instantQuery(QuerierFactory queriers, String query, long timeMs) {
        return instantQuery(queriers, query, timeMs, new AtomicBoolean());
    }

    /** As {@link #instantQuery(QuerierFactory, String, long)}; setting {@code cancel} stops the query. */
    public QueryResult instantQuery(QuerierFactory queriers, String query, long timeMs, AtomicBoolean cancel) {
        Expr expr = parse(query);
        QueryContext ctx = new QueryContext(queriers, options, timeMs, timeMs, deadline(), cancel);
        Evaluator ev = new Evaluator(ctx, timeMs, timeMs, 1);
        Object v = run(ev, expr);
        if (v instanceof String s) {
            return new QueryResult(new StringValue(timeMs, s), List.of());
        }
        @SuppressWarnings("unchecked")
        List<SeriesBuilder> m = (List<SeriesBuilder>) v;
        return switch (expr.type()) {
            case SCALAR -> new QueryResult(new Scalar(timeMs, m.get(0).vs[0]), List.of());
            case VECTOR -> {
                List<Sample> out = new ArrayList<>(m.size());
                for (SeriesBuilder s : m) {
                    out.add(new Sample(s.labels, timeMs, s.vs[0]));
                }
                yield new QueryResult(new Vector(out), List.of());
            }
            case MATRIX -> new QueryResult(toMatrix(m), List.of());
            default -> throw new IllegalStateException("unexpected expression type " + expr.type());
        };
    }

    /** Evaluates {@code query} at start, start + step, ... up to end (ms). */
    public QueryResult rangeQuery(QuerierFactory queriers, String query, long startMs, long endMs, long stepMs) {
        return rangeQuery(queriers, query, startMs, endMs, stepMs, new AtomicBoolean());
    }

    public QueryResult rangeQuery(QuerierFactory queriers, String query, long startMs, long endMs, long stepMs,
                                  AtomicBoolean cancel) {
        if (endMs < startMs) {
            throw new PromqlException(PromqlException.Type.BAD_DATA, "end timestamp must not be before start time");
        }
        if (stepMs <= 0) {
            throw new PromqlException(PromqlException.Type.BAD_DATA,
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((endMs - startMs) / stepMs > MAX_POINTS) {
            throw new PromqlException(PromqlException.Type.BAD_DATA, "exceeded maximum resolution of 11,000 points "
                    + "per timeseries. Try decreasing the query resolution (?step=XX)");
        }
        Expr expr = parse(query);
        if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
            throw new PromqlException(PromqlException.Type.BAD_DATA, "invalid expression type \""
                    + expr.type().documented() + "\" for range query, must be Scalar or instant Vector");
        }
        QueryContext ctx = new QueryContext(queriers, options, startMs, endMs, deadline(), cancel);
        Evaluator ev = new Evaluator(ctx, startMs, endMs, stepMs);
        @SuppressWarnings("unchecked")
        List<SeriesBuilder> m = (List<SeriesBuilder>) run(ev, expr);
        return new QueryResult(toMatrix(m), List.of());
    }

    private long deadline() {
        return System.nanoTime() + options.timeoutMs() * 1_000_000L;
    }

    private static Expr parse(String query) {
        try {
            return Parser.parse(query);
        } catch (ParseException e) {
            throw new PromqlException(PromqlException.Type.BAD_DATA, e.getMessage(), e);
        }
    }

    private static Object run(Evaluator ev, Expr expr) {
        try {
            return ev.eval(expr);
        } catch (PromqlException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new PromqlException(PromqlException.Type.EXECUTION, "query too deeply nested to evaluate");
        }
    }

    private static Matrix toMatrix(List<SeriesBuilder> m) {
        List<Series> out = new ArrayList<>(m.size());
        for (SeriesBuilder s : m) {
            if (s.n > 0) {
                out.add(s.toSeries());
            }
        }
        out.sort(Comparator.comparing(Series::labels, Labels::compareTo));
        return new Matrix(out);
    }
}
