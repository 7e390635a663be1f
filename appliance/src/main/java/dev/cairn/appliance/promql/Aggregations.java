package dev.cairn.appliance.promql;

import dev.cairn.appliance.promql.parser.AggregateExpr;
import dev.cairn.appliance.promql.parser.AggregateOp;
import dev.cairn.appliance.promql.parser.Expr;
import dev.cairn.appliance.promql.parser.StringLiteral;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The aggregation operators (sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk,
 * count_values, quantile) with by/without grouping. Groups keep the order in which their first
 * element appeared, as Prometheus's do; arithmetic follows Prometheus 2.42 (plain sums, incremental
 * mean with its infinity rules, Welford variance).
 */
final class Aggregations {
    private Aggregations() {
    }

    static List<SeriesBuilder> eval(Evaluator ev, AggregateExpr e) {
        List<String> grouping = new ArrayList<>(e.grouping());
        boolean without = e.without();
        Function<Labels, Object> groupKey = l -> groupLabels(l, grouping, without);
        Expr param = e.param() == null ? null : Evaluator.unwrap(e.param());
        AggregateOp op = e.op();
        if (param instanceof StringLiteral s) {
            String valueLabel = s.value();
            return ev.rangeEval(groupKey, (a, ts, step, out) ->
                    countValues(a[0], valueLabel, grouping, without, ts, out), e.expr());
        }
        if (param == null) {
            return ev.rangeEval(groupKey, (a, ts, step, out) -> aggregate(op, 0, a[0], ts, out), e.expr());
        }
        return ev.rangeEval(groupKey, (a, ts, step, out) -> aggregate(op, a[0].v[0], a[1], ts, out),
                e.param(), e.expr());
    }

    static Labels groupLabels(Labels l, List<String> grouping, boolean without) {
        if (without) {
            Labels.Builder b = l.toBuilder().delete(Labels.METRIC_NAME);
            for (String g : grouping) {
                b.delete(g);
            }
            return b.build();
        }
        if (grouping.isEmpty()) {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        for (String g : grouping) {
            b.set(g, l.get(g));
        }
        return b.build();
    }

    /** One group's running state. */
    private static final class Group {
        final Labels labels;
        double value;
        double mean;
        long count;
        // topk/bottomk heap or quantile values
        Labels[] heapLabels;
        double[] heapValues;
        int heapSize;

        Group(Labels labels) {
            this.labels = labels;
        }
    }

    private static void aggregate(AggregateOp op, double param, StepVector in, long ts, StepVector out) {
        long k = 0;
        if (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK) {
            if (!convertibleToInt64(param)) {
                throw PromqlException.execution("Scalar value " + goFloat(param) + " overflows int64");
            }
            k = (long) param;
            if (k < 1) {
                return;
            }
        }
        Map<Object, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < in.n; i++) {
            double v = in.v[i];
            Object key = in.aux[i];
            Group g = groups.get(key);
            if (g == null) {
                g = new Group((Labels) key);
                g.value = v;
                g.mean = v;
                g.count = 1;
                groups.put(key, g);
                switch (op) {
                    case STDDEV, STDVAR -> g.value = 0;
                    case TOPK, BOTTOMK, QUANTILE -> {
                        int cap = (int) Math.min(Math.max(k, 1), in.n);
                        g.heapLabels = new Labels[Math.max(cap, 1)];
                        g.heapValues = new double[Math.max(cap, 1)];
                        g.heapLabels[0] = in.labels[i];
                        g.heapValues[0] = v;
                        g.heapSize = 1;
                    }
                    case GROUP -> g.value = 1;
                    default -> {
                    }
                }
                continue;
            }
            switch (op) {
                case SUM -> g.value += v;
                case AVG -> {
                    g.count++;
                    if (Double.isInfinite(g.mean)) {
                        if (Double.isInfinite(v) && (g.mean > 0) == (v > 0)) {
                            break;
                        }
                        if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                            break;
                        }
                    }
                    g.mean += v / g.count - g.mean / g.count;
                }
                case GROUP -> {
                }
                case MAX -> {
                    if (g.value < v || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case MIN -> {
                    if (g.value > v || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case COUNT -> g.count++;
                case STDDEV, STDVAR -> {
                    g.count++;
                    double delta = v - g.mean;
                    g.mean += delta / g.count;
                    g.value += delta * (v - g.mean);
                }
                case TOPK -> heapOffer(g, k, in.labels[i], v, false);
                case BOTTOMK -> heapOffer(g, k, in.labels[i], v, true);
                case QUANTILE -> {
                    if (g.heapSize == g.heapValues.length) {
                        g.heapValues = Arrays.copyOf(g.heapValues, g.heapSize * 2);
                        g.heapLabels = Arrays.copyOf(g.heapLabels, g.heapSize * 2);
                    }
                    g.heapLabels[g.heapSize] = in.labels[i];
                    g.heapValues[g.heapSize++] = v;
                }
                default -> throw new IllegalStateException("unexpected aggregation " + op);
            }
        }
        for (Group g : groups.values()) {
            double value = g.value;
            switch (op) {
                case AVG -> value = g.mean;
                case COUNT -> value = g.count;
                case STDVAR -> value = g.value / g.count;
                case STDDEV -> value = Math.sqrt(g.value / g.count);
                case QUANTILE -> value = quantile(param, Arrays.copyOf(g.heapValues, g.heapSize));
                case TOPK, BOTTOMK -> {
                    emitSorted(g, op == AggregateOp.BOTTOMK, ts, out);
                    continue;
                }
                default -> {
                }
            }
            out.add(g.labels, ts, value);
        }
    }

    /** Go's container/heap with Prometheus's orders: NaN counts as the least (topk) or greatest. */
    private static boolean less(double a, double b, boolean reverse) {
        if (Double.isNaN(a)) {
            return true;
        }
        return reverse ? a > b : a < b;
    }

    private static void heapOffer(Group g, long k, Labels l, double v, boolean reverse) {
        double top = g.heapValues[0];
        boolean better = reverse ? top > v : top < v;
        if (g.heapSize < k || better || Double.isNaN(top)) {
            if (g.heapSize == k) {
                if (k == 1) {
                    g.heapLabels[0] = l;
                    g.heapValues[0] = v;
                    return;
                }
                // heap.Pop: swap root and last, sift down, drop last.
                int n = g.heapSize - 1;
                swap(g, 0, n);
                down(g, 0, n, reverse);
                g.heapSize--;
            }
            if (g.heapSize == g.heapValues.length) {
                g.heapValues = Arrays.copyOf(g.heapValues, g.heapSize * 2);
                g.heapLabels = Arrays.copyOf(g.heapLabels, g.heapSize * 2);
            }
            g.heapLabels[g.heapSize] = l;
            g.heapValues[g.heapSize] = v;
            g.heapSize++;
            up(g, g.heapSize - 1, reverse);
        }
    }

    private static void up(Group g, int j, boolean reverse) {
        while (true) {
            int i = (j - 1) / 2;
            if (i == j || !less(g.heapValues[j], g.heapValues[i], reverse)) {
                break;
            }
            swap(g, i, j);
            j = i;
        }
    }

    private static void down(Group g, int i, int n, boolean reverse) {
        while (true) {
            int j1 = 2 * i + 1;
            if (j1 >= n || j1 < 0) {
                break;
            }
            int j = j1;
            int j2 = j1 + 1;
            if (j2 < n && less(g.heapValues[j2], g.heapValues[j1], reverse)) {
                j = j2;
            }
            if (!less(g.heapValues[j], g.heapValues[i], reverse)) {
                break;
            }
            swap(g, i, j);
            i = j;
        }
    }

    private static void swap(Group g, int i, int j) {
        double tv = g.heapValues[i];
        g.heapValues[i] = g.heapValues[j];
        g.heapValues[j] = tv;
        Labels tl = g.heapLabels[i];
        g.heapLabels[i] = g.heapLabels[j];
        g.heapLabels[j] = tl;
    }

    /** Emits the heap best first (topk: descending, bottomk: ascending), NaN last. */
    private static void emitSorted(Group g, boolean reverse, long ts, StepVector out) {
        Integer[] idx = new Integer[g.heapSize];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            double x = g.heapValues[a];
            double y = g.heapValues[b];
            // sort.Reverse of the heap order: "less" elements go last.
            boolean xl = less(x, y, reverse);
            boolean yl = less(y, x, reverse);
            return xl == yl ? 0 : (xl ? 1 : -1);
        });
        for (int i : idx) {
            out.add(g.heapLabels[i], ts, g.heapValues[i]);
        }
    }

    private static void countValues(StepVector in, String valueLabel, List<String> grouping, boolean without,
                                    long ts, StepVector out) {
        if (!validLabelName(valueLabel)) {
            throw PromqlException.execution("invalid label name \"" + valueLabel + "\"");
        }
        List<String> g2 = new ArrayList<>(grouping);
        if (!without) {
            g2.add(valueLabel);
        }
        Map<Labels, long[]> groups = new LinkedHashMap<>();
        for (int i = 0; i < in.n; i++) {
            Labels metric = in.labels[i].toBuilder().set(valueLabel, GoMath.formatFloat(in.v[i])).build();
            Labels key = groupLabels(metric, g2, without);
            groups.computeIfAbsent(key, x -> new long[1])[0]++;
        }
        for (Map.Entry<Labels, long[]> e : groups.entrySet()) {
            out.add(e.getKey(), ts, e.getValue()[0]);
        }
    }

    /** Prometheus's quantile over values (sorted here): linear interpolation between closest ranks. */
    static double quantile(double q, double[] values) {
        int len = values.length;
        if (len == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        sortNaNFirst(values);
        double n = len;
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
    }

    /** Ascending with NaN first, Prometheus's vectorByValueHeap order. */
    static void sortNaNFirst(double[] values) {
        int nans = 0;
        double[] rest = new double[values.length];
        int r = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                nans++;
            } else {
                rest[r++] = v;
            }
        }
        Arrays.sort(rest, 0, r);
        for (int i = 0; i < nans; i++) {
            values[i] = Double.NaN;
        }
        System.arraycopy(rest, 0, values, nans, r);
    }

    static boolean convertibleToInt64(double v) {
        return v <= 9.223372036854775807E18 && v >= -9.223372036854775808E18;
    }

    static boolean validLabelName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Go's %v of a float64 (strconv 'g', shortest digits, exponent from 1e+06 on), for error messages. */
    static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 6) {
            String digits = d.unscaledValue().abs().toString();
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "")
                    + Math.abs(exp);
        }
        return d.toPlainString();
    }

    static Set<String> names(List<String> l) {
        return new HashSet<>(l);
    }
}
