package dev.cairn.appliance.promql.parser;

import static dev.cairn.appliance.promql.parser.ValueType.MATRIX;
import static dev.cairn.appliance.promql.parser.ValueType.SCALAR;
import static dev.cairn.appliance.promql.parser.ValueType.STRING;
import static dev.cairn.appliance.promql.parser.ValueType.VECTOR;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every non-experimental function of Prometheus 2.53 with its signature (promql/parser/functions.go).
 * The experimental ones of 2.53 (mad_over_time, sort_by_label, sort_by_label_desc) are left out, so
 * they are unknown functions, as in 2.42.
 */
public final class Functions {
    private static final Map<String, Function> ALL = new TreeMap<>();

    static {
        f("abs", 0, VECTOR, VECTOR);
        f("absent", 0, VECTOR, VECTOR);
        f("absent_over_time", 0, VECTOR, MATRIX);
        f("acos", 0, VECTOR, VECTOR);
        f("acosh", 0, VECTOR, VECTOR);
        f("asin", 0, VECTOR, VECTOR);
        f("asinh", 0, VECTOR, VECTOR);
        f("atan", 0, VECTOR, VECTOR);
        f("atanh", 0, VECTOR, VECTOR);
        f("avg_over_time", 0, VECTOR, MATRIX);
        f("ceil", 0, VECTOR, VECTOR);
        f("changes", 0, VECTOR, MATRIX);
        f("clamp", 0, VECTOR, VECTOR, SCALAR, SCALAR);
        f("clamp_max", 0, VECTOR, VECTOR, SCALAR);
        f("clamp_min", 0, VECTOR, VECTOR, SCALAR);
        f("cos", 0, VECTOR, VECTOR);
        f("cosh", 0, VECTOR, VECTOR);
        f("count_over_time", 0, VECTOR, MATRIX);
        f("days_in_month", 1, VECTOR, VECTOR);
        f("day_of_month", 1, VECTOR, VECTOR);
        f("day_of_week", 1, VECTOR, VECTOR);
        f("day_of_year", 1, VECTOR, VECTOR);
        f("deg", 0, VECTOR, VECTOR);
        f("delta", 0, VECTOR, MATRIX);
        f("deriv", 0, VECTOR, MATRIX);
        f("exp", 0, VECTOR, VECTOR);
        f("floor", 0, VECTOR, VECTOR);
        f("histogram_avg", 0, VECTOR, VECTOR); // newer than 2.42
        f("histogram_count", 0, VECTOR, VECTOR);
        f("histogram_sum", 0, VECTOR, VECTOR);
        f("histogram_stddev", 0, VECTOR, VECTOR); // newer than 2.42
        f("histogram_stdvar", 0, VECTOR, VECTOR); // newer than 2.42
        f("histogram_fraction", 0, VECTOR, SCALAR, SCALAR, VECTOR);
        f("histogram_quantile", 0, VECTOR, SCALAR, VECTOR);
        f("holt_winters", 0, VECTOR, MATRIX, SCALAR, SCALAR);
        f("hour", 1, VECTOR, VECTOR);
        f("idelta", 0, VECTOR, MATRIX);
        f("increase", 0, VECTOR, MATRIX);
        f("irate", 0, VECTOR, MATRIX);
        f("label_replace", 0, VECTOR, VECTOR, STRING, STRING, STRING, STRING);
        f("label_join", -1, VECTOR, VECTOR, STRING, STRING, STRING);
        f("last_over_time", 0, VECTOR, MATRIX);
        f("ln", 0, VECTOR, VECTOR);
        f("log10", 0, VECTOR, VECTOR);
        f("log2", 0, VECTOR, VECTOR);
        f("max_over_time", 0, VECTOR, MATRIX);
        f("min_over_time", 0, VECTOR, MATRIX);
        f("minute", 1, VECTOR, VECTOR);
        f("month", 1, VECTOR, VECTOR);
        f("pi", 0, SCALAR);
        f("predict_linear", 0, VECTOR, MATRIX, SCALAR);
        f("present_over_time", 0, VECTOR, MATRIX);
        f("quantile_over_time", 0, VECTOR, SCALAR, MATRIX);
        f("rad", 0, VECTOR, VECTOR);
        f("rate", 0, VECTOR, MATRIX);
        f("resets", 0, VECTOR, MATRIX);
        f("round", 1, VECTOR, VECTOR, SCALAR);
        f("scalar", 0, SCALAR, VECTOR);
        f("sgn", 0, VECTOR, VECTOR);
        f("sin", 0, VECTOR, VECTOR);
        f("sinh", 0, VECTOR, VECTOR);
        f("sort", 0, VECTOR, VECTOR);
        f("sort_desc", 0, VECTOR, VECTOR);
        f("sqrt", 0, VECTOR, VECTOR);
        f("stddev_over_time", 0, VECTOR, MATRIX);
        f("stdvar_over_time", 0, VECTOR, MATRIX);
        f("sum_over_time", 0, VECTOR, MATRIX);
        f("tan", 0, VECTOR, VECTOR);
        f("tanh", 0, VECTOR, VECTOR);
        f("time", 0, SCALAR);
        f("timestamp", 0, VECTOR, VECTOR);
        f("vector", 0, VECTOR, SCALAR);
        f("year", 1, VECTOR, VECTOR);
    }

    private Functions() {}

    private static void f(String name, int variadic, ValueType returns, ValueType... args) {
        ALL.put(name, new Function(name, List.of(args), variadic, returns));
    }

    /** The function of that exact (case-sensitive) name, or null. */
    public static Function get(String name) {
        return ALL.get(name);
    }

    /** All functions by name. */
    public static Map<String, Function> all() {
        return Collections.unmodifiableMap(ALL);
    }
}
