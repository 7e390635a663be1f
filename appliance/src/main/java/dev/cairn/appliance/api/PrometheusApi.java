package dev.cairn.appliance.api;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.Matrix;
import dev.cairn.appliance.promql.PromqlException;
import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.appliance.promql.QueryResult;
import dev.cairn.appliance.promql.Sample;
import dev.cairn.appliance.promql.Scalar;
import dev.cairn.appliance.promql.Series;
import dev.cairn.appliance.promql.StringValue;
import dev.cairn.appliance.promql.Value;
import dev.cairn.appliance.promql.Vector;
import dev.cairn.appliance.promql.parser.ParseException;
import dev.cairn.appliance.promql.parser.Parser;
import dev.cairn.appliance.promql.parser.Printer;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.appliance.query.Warnings;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The Prometheus HTTP API v1 (as Prometheus 2.42 answers it) over one storage: the metadata
 * endpoints (series, labels, label values), PromQL (query, query_range, format_query) and the
 * status endpoints Grafana probes. Transport-free: the web layer hands over method, path and the
 * merged query/form parameters, and writes back the {@link ApiResponse}. Thread-safe.
 */
public final class PrometheusApi {
    public static final String PREFIX = "/api/v1/";
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final RequestStorage storages;
    private final Engine engine;
    private final BuildInfo build;
    private final LongSupplier clock;
    private final ApiMetrics metrics = new ApiMetrics();

    /**
     * @param build the status endpoints' fixed facts (version, flags, start time)
     * @param clock wall clock in ms: the default evaluation time of instant queries
     */
    public PrometheusApi(QuerierFactory storage, Engine engine, BuildInfo build, LongSupplier clock) {
        this((RequestStorage) warnings -> storage, engine, build, clock);
    }

    /**
     * An API whose storage is opened per request, so that warnings of a partial answer (an endpoint that
     * failed) go into that request's {@code "warnings"}, as Prometheus and Thanos return them.
     */
    public PrometheusApi(RequestStorage storages, Engine engine, BuildInfo build, LongSupplier clock) {
        this.storages = storages;
        this.engine = engine;
        this.build = build;
        this.clock = clock;
    }

    /**
     * Answers one API call; {@code path} starts with {@link #PREFIX}, {@code params} holds the URL
     * query and (POST) form values.
     */
    public ApiResponse handle(String method, String path, Map<String, List<String>> params) {
        long start = System.nanoTime();
        String endpoint = path.substring(PREFIX.length());
        Params p = new Params(params);
        Warnings warnings = new Warnings();
        QuerierFactory storage = storages.open(warnings);
        ApiResponse r = answer(method, path, endpoint, p, storage).withWarnings(warnings.list());
        metrics.request(handler(endpoint), r.status(), System.nanoTime() - start);
        return r;
    }

    /** {@code cairn_http_request_duration_seconds} and {@code cairn_query_duration_seconds}, for /metrics. */
    public ApiMetrics metrics() {
        return metrics;
    }

    /** The handler label: the route, not the raw path, so that label names and typos add no series. */
    private static String handler(String endpoint) {
        if (endpoint.startsWith("label/") && endpoint.endsWith("/values")) {
            return PREFIX + "label/:name/values";
        }
        return switch (endpoint) {
            case "query", "query_range", "format_query", "series", "labels", "metadata", "query_exemplars",
                 "status/buildinfo", "status/flags", "status/runtimeinfo" -> PREFIX + endpoint;
            default -> PREFIX + "*";
        };
    }

    private ApiResponse answer(String method, String path, String endpoint, Params p, QuerierFactory storage) {
        try {
            boolean get = method.equals("GET");
            boolean getOrPost = get || method.equals("POST");
            if (endpoint.startsWith("label/") && endpoint.endsWith("/values") && get) {
                String name = endpoint.substring("label/".length(), endpoint.length() - "/values".length());
                return labelValues(storage, name, p);
            }
            return switch (endpoint) {
                case "query" -> getOrPost ? query(storage, p) : notAllowed(method, path);
                case "query_range" -> getOrPost ? queryRange(storage, p) : notAllowed(method, path);
                case "format_query" -> getOrPost ? formatQuery(p) : notAllowed(method, path);
                case "series" -> getOrPost ? series(storage, p) : notAllowed(method, path);
                case "labels" -> getOrPost ? labels(storage, p) : notAllowed(method, path);
                case "metadata" -> get ? ApiResponse.success("{}") : notAllowed(method, path);
                case "query_exemplars" -> getOrPost ? ApiResponse.success("[]") : notAllowed(method, path);
                case "status/buildinfo" -> get ? ApiResponse.success(build.buildInfoJson()) : notAllowed(method, path);
                case "status/flags" -> get ? ApiResponse.success(build.flagsJson()) : notAllowed(method, path);
                case "status/runtimeinfo" -> get ? ApiResponse.success(build.runtimeInfoJson()) : notAllowed(method, path);
                default -> notFound(path);
            };
        } catch (ApiError e) {
            return ApiResponse.error(e);
        } catch (PromqlException e) {
            String msg = e.getMessage();
            if (e.type() == PromqlException.Type.BAD_DATA && e.getCause() instanceof ParseException) {
                msg = "invalid parameter \"query\": " + msg;
            }
            return ApiResponse.error(ApiError.ofEngine(e.type().apiName(), msg));
        } catch (RuntimeException e) {
            return ApiResponse.error(new ApiError("internal", 500, "answering " + path + " failed: " + e));
        }
    }

    private static ApiResponse notFound(String path) {
        return new ApiResponse(404, ("404 page not found: " + path + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ApiResponse notAllowed(String method, String path) {
        return new ApiResponse(405, ("method " + method + " not allowed on " + path + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    // ---- metadata

    private ApiResponse series(QuerierFactory storage, Params p) throws ApiError {
        List<String> matches = p.all("match[]");
        if (matches.isEmpty()) {
            throw ApiError.badData("no match[] parameter provided");
        }
        long start = p.time("start", Params.MIN_TIME);
        long end = p.time("end", Params.MAX_TIME);
        List<List<Matcher>> sets = matcherSets(matches);
        TreeSet<Labels> out = new TreeSet<>();
        try (Querier q = storage.querier(start, end)) {
            for (List<Matcher> set : sets) {
                SeriesSet ss = q.select(set);
                while (ss.next()) {
                    out.add(ss.at().labels());
                }
            }
        }
        StringBuilder sb = new StringBuilder(64 + out.size() * 64);
        sb.append('[');
        boolean first = true;
        for (Labels ls : out) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            labelsObject(sb, ls);
        }
        return ApiResponse.success(sb.append(']').toString());
    }

    private ApiResponse labels(QuerierFactory storage, Params p) throws ApiError {
        long start = p.time("start", Params.MIN_TIME);
        long end = p.time("end", Params.MAX_TIME);
        List<List<Matcher>> sets = matcherSets(p.all("match[]"));
        TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
        try (Querier q = storage.querier(start, end)) {
            if (sets.isEmpty()) {
                names.addAll(q.labelNames(List.of()));
            }
            for (List<Matcher> set : sets) {
                names.addAll(q.labelNames(set));
            }
        }
        return ApiResponse.success(stringArray(names));
    }

    private ApiResponse labelValues(QuerierFactory storage, String rawName, Params p) throws ApiError {
        String name = java.net.URLDecoder.decode(rawName.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        if (!LABEL_NAME.matcher(name).matches()) {
            throw ApiError.badData("invalid label name: " + Labels.quoted(name));
        }
        long start = p.time("start", Params.MIN_TIME);
        long end = p.time("end", Params.MAX_TIME);
        List<List<Matcher>> sets = matcherSets(p.all("match[]"));
        TreeSet<String> values = new TreeSet<>(Labels::compareStrings);
        try (Querier q = storage.querier(start, end)) {
            if (sets.isEmpty()) {
                values.addAll(q.labelValues(name, List.of()));
            }
            for (List<Matcher> set : sets) {
                values.addAll(q.labelValues(name, set));
            }
        }
        return ApiResponse.success(stringArray(values));
    }

    private static List<List<Matcher>> matcherSets(List<String> matches) throws ApiError {
        List<List<Matcher>> sets = new ArrayList<>(matches.size());
        for (String m : matches) {
            List<Matcher> set;
            try {
                set = Parser.parseMetricSelector(m);
            } catch (ParseException e) {
                throw ApiError.badData(e.getMessage());
            }
            boolean nonEmpty = false;
            for (Matcher x : set) {
                nonEmpty |= !x.matchesEmpty();
            }
            if (!nonEmpty) {
                throw ApiError.badData("match[] must contain at least one non-empty matcher");
            }
            sets.add(set);
        }
        return sets;
    }

    // ---- PromQL

    private ApiResponse query(QuerierFactory storage, Params p) throws ApiError {
        long t = p.time("time", clock.getAsLong());
        String q = p.get("query");
        long started = System.nanoTime();
        QueryResult r;
        try {
            r = engine.instantQuery(SourceResolution.apply(storage, p), q == null ? "" : q, t);
        } finally {
            metrics.query("instant", System.nanoTime() - started);
        }
        return ApiResponse.success(resultJson(r));
    }

    private ApiResponse queryRange(QuerierFactory storage, Params p) throws ApiError {
        long start = required(p, "start");
        long end = required(p, "end");
        if (end < start) {
            throw ApiError.badData("end timestamp must not be before start time");
        }
        long step = p.duration("step");
        if (step < 0) {
            throw ApiError.invalidParam("step", "cannot parse \"\" to a valid duration");
        }
        String q = p.get("query");
        long started = System.nanoTime();
        QueryResult r;
        try {
            r = engine.rangeQuery(SourceResolution.apply(storage, p), q == null ? "" : q, start, end, step);
        } finally {
            metrics.query("range", System.nanoTime() - started);
        }
        return ApiResponse.success(resultJson(r));
    }

    private static long required(Params p, String name) throws ApiError {
        String s = p.get(name);
        if (s == null || s.isEmpty()) {
            throw ApiError.invalidParam(name, "cannot parse \"\" to a valid timestamp");
        }
        return p.time(name, 0);
    }

    private static ApiResponse formatQuery(Params p) throws ApiError {
        String q = p.get("query");
        try {
            String pretty = Printer.pretty(Parser.parse(q == null ? "" : q));
            StringBuilder sb = new StringBuilder(pretty.length() + 2);
            Json.string(sb, pretty);
            return ApiResponse.success(sb.toString());
        } catch (ParseException e) {
            throw ApiError.invalidParam("query", e.getMessage());
        }
    }

    static String resultJson(QueryResult r) {
        Value v = r.value();
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"resultType\":\"").append(v.typeName()).append("\",\"result\":");
        if (v instanceof Scalar s) {
            point(sb, s.t(), s.v());
        } else if (v instanceof StringValue s) {
            sb.append('[');
            Json.timestamp(sb, s.t());
            sb.append(',');
            Json.string(sb, s.value());
            sb.append(']');
        } else if (v instanceof Vector vec) {
            sb.append('[');
            boolean first = true;
            for (Sample s : vec.samples()) {
                sb.append(first ? "" : ",").append("{\"metric\":");
                first = false;
                labelsObject(sb, s.labels());
                sb.append(",\"value\":");
                point(sb, s.t(), s.v());
                sb.append('}');
            }
            sb.append(']');
        } else if (v instanceof Matrix m) {
            sb.append('[');
            boolean first = true;
            for (Series s : m.series()) {
                sb.append(first ? "" : ",").append("{\"metric\":");
                first = false;
                labelsObject(sb, s.labels());
                sb.append(",\"values\":[");
                for (int i = 0; i < s.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    point(sb, s.ts()[i], s.vs()[i]);
                }
                sb.append("]}");
            }
            sb.append(']');
        }
        sb.append('}');
        return sb.toString();
    }

    private static void point(StringBuilder sb, long t, double v) {
        sb.append('[');
        Json.timestamp(sb, t);
        sb.append(',');
        Json.value(sb, v);
        sb.append(']');
    }

    static void labelsObject(StringBuilder sb, Labels ls) {
        sb.append('{');
        for (int i = 0; i < ls.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Json.string(sb, ls.name(i));
            sb.append(':');
            Json.string(sb, ls.value(i));
        }
        sb.append('}');
    }

    private static String stringArray(Iterable<String> values) {
        StringBuilder sb = new StringBuilder(256).append('[');
        boolean first = true;
        for (String s : values) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.string(sb, s);
        }
        return sb.append(']').toString();
    }
}
