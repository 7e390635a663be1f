package dev.cairn.appliance.promql;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cairn.appliance.promql.parser.Call;
import dev.cairn.appliance.promql.parser.Expr;
import dev.cairn.appliance.promql.parser.StringLiteral;
import dev.cairn.appliance.promql.parser.VectorSelector;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * Functions of instant vectors and scalars, evaluated step by step through
 * {@link Evaluator#rangeEval}. Metric names are dropped where Prometheus drops them (every value
 * transform) and kept where it keeps them (sort, label_replace, label_join).
 */
final class InstantFunctions {
    private InstantFunctions() {
    }

    static Evaluator.StepFn of(Call c) {
        String name = c.function().name();
        List<Expr> args = c.args();
        return switch (name) {
            case "abs" -> simple(Math::abs);
            case "ceil" -> simple(Math::ceil);
            case "floor" -> simple(Math::floor);
            case "exp" -> simple(Math::exp);
            case "sqrt" -> simple(Math::sqrt);
            case "ln" -> simple(Math::log);
            case "log2" -> simple(InstantFunctions::log2);
            case "log10" -> simple(Math::log10);
            case "sin" -> simple(Math::sin);
            case "cos" -> simple(Math::cos);
            case "tan" -> simple(Math::tan);
            case "asin" -> simple(Math::asin);
            case "acos" -> simple(Math::acos);
            case "atan" -> simple(Math::atan);
            case "sinh" -> simple(Math::sinh);
            case "cosh" -> simple(Math::cosh);
            case "tanh" -> simple(Math::tanh);
            case "asinh" -> simple(InstantFunctions::asinh);
            case "acosh" -> simple(InstantFunctions::acosh);
            case "atanh" -> simple(InstantFunctions::atanh);
            case "rad" -> simple(v -> v * Math.PI / 180);
            case "deg" -> simple(v -> v * 180 / Math.PI);
            case "sgn" -> simple(v -> v < 0 ? -1 : v > 0 ? 1 : v);
            case "pi" -> (a, ts, step, out) -> out.add(Labels.EMPTY, ts, Math.PI);
            case "time" -> (a, ts, step, out) -> out.add(Labels.EMPTY, ts, ts / 1000.0);
            case "vector" -> (a, ts, step, out) -> out.add(Labels.EMPTY, ts, a[0].v[0]);
            case "scalar" -> (a, ts, step, out) -> out.add(Labels.EMPTY, ts, a[0].n == 1 ? a[0].v[0] : Double.NaN);
            case "timestamp" -> (a, ts, step, out) -> {
                StepVector in = a[0];
                for (int i = 0; i < in.n; i++) {
                    out.add(Evaluator.dropName(in.labels[i]), ts, in.t[i] / 1000.0);
                }
            };
            case "clamp" -> (a, ts, step, out) -> {
                double min = a[1].v[0];
                double max = a[2].v[0];
                if (max < min) {
                    return;
                }
                transform(a[0], ts, out, v -> GoMath.max(min, GoMath.min(max, v)));
            };
            case "clamp_max" -> (a, ts, step, out) -> {
                double max = a[1].v[0];
                transform(a[0], ts, out, v -> GoMath.min(max, v));
            };
            case "clamp_min" -> (a, ts, step, out) -> {
                double min = a[1].v[0];
                transform(a[0], ts, out, v -> GoMath.max(min, v));
            };
            case "round" -> (a, ts, step, out) -> {
                double toNearest = a.length >= 2 ? a[1].v[0] : 1;
                double inverse = 1.0 / toNearest;
                transform(a[0], ts, out, v -> Math.floor(v * inverse + 0.5) / inverse);
            };
            case "sort" -> (a, ts, step, out) -> sorted(a[0], ts, out, false);
            case "sort_desc" -> (a, ts, step, out) -> sorted(a[0], ts, out, true);
            case "absent" -> {
                Labels l = Evaluator.unwrap(args.get(0)) instanceof VectorSelector vs ? absentLabels(vs) : Labels.EMPTY;
                yield (a, ts, step, out) -> {
                    if (a[0].n == 0) {
                        out.add(l, ts, 1);
                    }
                };
            }
            case "days_in_month" -> date(args, t -> YearMonth.from(t).lengthOfMonth());
            case "day_of_month" -> date(args, ZonedDateTime::getDayOfMonth);
            case "day_of_week" -> date(args, t -> t.getDayOfWeek().getValue() % 7);
            case "day_of_year" -> date(args, ZonedDateTime::getDayOfYear);
            case "hour" -> date(args, ZonedDateTime::getHour);
            case "minute" -> date(args, ZonedDateTime::getMinute);
            case "month" -> date(args, ZonedDateTime::getMonthValue);
            case "year" -> date(args, ZonedDateTime::getYear);
            case "label_replace" -> labelReplace(args);
            case "label_join" -> labelJoin(args);
            case "histogram_quantile" -> (a, ts, step, out) -> histogramQuantile(a[0].v[0], a[1], ts, out);
            // Native histograms only: classic float samples give no output (as in Prometheus).
            case "histogram_count", "histogram_sum", "histogram_fraction", "histogram_avg", "histogram_stddev",
                 "histogram_stdvar" -> (a, ts, step, out) -> {
            };
            default -> throw PromqlException.execution("function \"" + name + "\" is not supported");
        };
    }

    private static Evaluator.StepFn simple(DoubleUnaryOperator f) {
        return (a, ts, step, out) -> transform(a[0], ts, out, f);
    }

    private static void transform(StepVector in, long ts, StepVector out, DoubleUnaryOperator f) {
        for (int i = 0; i < in.n; i++) {
            out.add(Evaluator.dropName(in.labels[i]), ts, f.applyAsDouble(in.v[i]));
        }
    }

    private static double log2(double v) {
        // Go's Log2 is exact for powers of two.
        if (v > 0 && !Double.isInfinite(v)) {
            long bits = Double.doubleToRawLongBits(v);
            if ((bits & 0x000fffffffffffffL) == 0 && Math.getExponent(v) >= Double.MIN_EXPONENT) {
                return Math.getExponent(v);
            }
        }
        return Math.log(v) / Math.log(2);
    }

    private static double asinh(double x) {
        if (Double.isInfinite(x) || Double.isNaN(x) || x == 0) {
            return x;
        }
        double a = Math.abs(x);
        double r = Math.log(a + Math.sqrt(a * a + 1));
        return x < 0 ? -r : r;
    }

    private static double acosh(double x) {
        if (x < 1 || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == 1) {
            return 0;
        }
        return Math.log(x + Math.sqrt(x * x - 1));
    }

    private static double atanh(double x) {
        if (x < -1 || x > 1 || Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x == 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (x == -1) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x == 0) {
            return x;
        }
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    /** sort / sort_desc: NaN last in both; equal values keep their input order. */
    private static void sorted(StepVector in, long ts, StepVector out, boolean desc) {
        Integer[] idx = new Integer[in.n];
        for (int i = 0; i < in.n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            double a = in.v[x];
            double b = in.v[y];
            boolean an = Double.isNaN(a);
            boolean bn = Double.isNaN(b);
            if (an || bn) {
                return an == bn ? 0 : (an ? 1 : -1);
            }
            return desc ? Double.compare(b, a) : Double.compare(a, b);
        });
        for (int i : idx) {
            out.add(in.labels[i], in.t[i], in.v[i]);
        }
    }

    private static Evaluator.StepFn date(List<Expr> args, ToIntFunction<ZonedDateTime> f) {
        if (args.isEmpty()) {
            return (a, ts, step, out) -> out.add(Labels.EMPTY, ts, f.applyAsInt(utc(Math.floorDiv(ts, 1000))));
        }
        return (a, ts, step, out) -> {
            StepVector in = a[0];
            for (int i = 0; i < in.n; i++) {
                double v = in.v[i];
                // Go: time.Unix(int64(v), 0); int64(NaN/Inf) is implementation-defined there, we use min int64.
                long secs = Double.isNaN(v) || Double.isInfinite(v) ? Long.MIN_VALUE : (long) v;
                double r;
                try {
                    r = f.applyAsInt(utc(secs));
                } catch (java.time.DateTimeException e) {
                    r = Double.NaN;
                }
                out.add(Evaluator.dropName(in.labels[i]), ts, r);
            }
        };
    }

    private static ZonedDateTime utc(long secs) {
        return Instant.ofEpochSecond(secs).atZone(ZoneOffset.UTC);
    }

    /** The labels absent() reports: equality matchers' labels, except names matched more than once. */
    static Labels absentLabels(VectorSelector vs) {
        Labels.Builder b = Labels.builder();
        Set<String> has = new HashSet<>();
        for (dev.cairn.tsdb.labels.Matcher m : vs.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == MatchType.EQUAL && !has.contains(m.name())) {
                b.set(m.name(), m.value());
                has.add(m.name());
            } else {
                b.delete(m.name());
            }
        }
        return b.build();
    }

    private static String str(Expr e) {
        return ((StringLiteral) Evaluator.unwrap(e)).value();
    }

    private static Evaluator.StepFn labelReplace(List<Expr> args) {
        String dst = str(args.get(1));
        String repl = str(args.get(2));
        String src = str(args.get(3));
        String regex = str(args.get(4));
        Pattern p;
        try {
            p = Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw PromqlException.execution("invalid regular expression in label_replace(): " + regex);
        }
        if (!Aggregations.validLabelName(dst)) {
            throw PromqlException.execution("invalid destination label name in label_replace(): " + dst);
        }
        Map<Labels, Labels> cache = new HashMap<>();
        return (a, ts, step, out) -> {
            StepVector in = a[0];
            for (int i = 0; i < in.n; i++) {
                Labels l = cache.computeIfAbsent(in.labels[i], m -> {
                    String srcVal = m.get(src);
                    Matcher mt = p.matcher(srcVal);
                    if (!mt.find()) {
                        return m;
                    }
                    String res = expand(repl, mt, p);
                    return m.toBuilder().delete(dst).set(dst, res).build();
                });
                out.add(l, in.t[i], in.v[i]);
            }
        };
    }

    /** Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown groups expand to "". */
    static String expand(String template, Matcher m, Pattern p) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                sb.append(c);
                i++;
                continue;
            }
            i++;
            if (i < template.length() && template.charAt(i) == '$') {
                sb.append('$');
                i++;
                continue;
            }
            String name;
            if (i < template.length() && template.charAt(i) == '{') {
                int close = template.indexOf('}', i + 1);
                if (close < 0 || close == i + 1 || !isName(template.substring(i + 1, close))) {
                    sb.append('$');
                    continue;
                }
                name = template.substring(i + 1, close);
                i = close + 1;
            } else {
                int j = i;
                while (j < template.length() && isNameChar(template.charAt(j))) {
                    j++;
                }
                if (j == i) {
                    sb.append('$');
                    continue;
                }
                name = template.substring(i, j);
                i = j;
            }
            sb.append(group(m, p, name));
        }
        return sb.toString();
    }

    private static boolean isNameChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static boolean isName(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isNameChar(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static String group(Matcher m, Pattern p, String name) {
        boolean numeric = name.chars().allMatch(ch -> ch >= '0' && ch <= '9');
        String g = null;
        if (numeric) {
            try {
                int n = Integer.parseInt(name);
                if (n <= m.groupCount()) {
                    g = m.group(n);
                }
            } catch (NumberFormatException e) {
                g = null;
            }
        } else {
            try {
                g = m.group(name);
            } catch (IllegalArgumentException e) {
                g = null;
            }
        }
        return g == null ? "" : g;
    }

    private static Evaluator.StepFn labelJoin(List<Expr> args) {
        String dst = str(args.get(1));
        String sep = str(args.get(2));
        List<String> srcs = new ArrayList<>();
        for (int i = 3; i < args.size(); i++) {
            String s = str(args.get(i));
            if (!validLabelNameModel(s)) {
                throw PromqlException.execution("invalid source label name in label_join(): " + s);
            }
            srcs.add(s);
        }
        if (!validLabelNameModel(dst)) {
            throw PromqlException.execution("invalid destination label name in label_join(): " + dst);
        }
        Map<Labels, Labels> cache = new HashMap<>();
        return (a, ts, step, out) -> {
            StepVector in = a[0];
            for (int i = 0; i < in.n; i++) {
                Labels l = cache.computeIfAbsent(in.labels[i], m -> {
                    StringBuilder sb = new StringBuilder();
                    for (int j = 0; j < srcs.size(); j++) {
                        if (j > 0) {
                            sb.append(sep);
                        }
                        sb.append(m.get(srcs.get(j)));
                    }
                    return m.toBuilder().set(dst, sb.toString()).build();
                });
                out.add(l, in.t[i], in.v[i]);
            }
        };
    }

    /** model.LabelName.IsValid: like the regexp rule but the empty name passes the loop. */
    private static boolean validLabelNameModel(String s) {
        return s.isEmpty() ? false : Aggregations.validLabelName(s);
    }

    private static void histogramQuantile(double q, StepVector in, long ts, StepVector out) {
        Map<Labels, List<double[]>> groups = new LinkedHashMap<>();
        Map<Labels, Labels> outLabels = new HashMap<>();
        for (int i = 0; i < in.n; i++) {
            Labels l = in.labels[i];
            Double upper = GoMath.parseFloat(l.get("le"));
            if (upper == null) {
                continue;
            }
            Labels key = l.toBuilder().delete("le").build();
            List<double[]> b = groups.get(key);
            if (b == null) {
                b = new ArrayList<>();
                groups.put(key, b);
                outLabels.put(key, key.toBuilder().delete(Labels.METRIC_NAME).build());
            }
            b.add(new double[] {upper, in.v[i]});
        }
        for (Map.Entry<Labels, List<double[]>> e : groups.entrySet()) {
            out.add(outLabels.get(e.getKey()), ts, bucketQuantile(q, e.getValue()));
        }
    }

    /** Prometheus's bucketQuantile for classic buckets, with coalescing and monotonicity fix-ups. */
    static double bucketQuantile(double q, List<double[]> buckets) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<double[]> b = new ArrayList<>(buckets.size());
        for (double[] x : buckets) {
            b.add(x.clone());
        }
        b.sort((x, y) -> Double.compare(x[0], y[0]));
        if (b.get(b.size() - 1)[0] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        // coalesce equal upper bounds
        List<double[]> c = new ArrayList<>();
        double[] last = b.get(0);
        for (int i = 1; i < b.size(); i++) {
            double[] x = b.get(i);
            if (x[0] == last[0]) {
                last[1] += x[1];
            } else {
                c.add(last);
                last = x;
            }
        }
        c.add(last);
        // ensure monotonic counts
        double max = c.get(0)[1];
        for (int i = 1; i < c.size(); i++) {
            if (c.get(i)[1] > max) {
                max = c.get(i)[1];
            } else if (c.get(i)[1] < max) {
                c.get(i)[1] = max;
            }
        }
        if (c.size() < 2) {
            return Double.NaN;
        }
        double observations = c.get(c.size() - 1)[1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int n = c.size() - 1;
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (!(c.get(mid)[1] >= rank)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int idx = lo;
        if (idx == c.size() - 1) {
            return c.get(c.size() - 2)[0];
        }
        if (idx == 0 && c.get(0)[0] <= 0) {
            return c.get(0)[0];
        }
        double bucketStart = 0;
        double bucketEnd = c.get(idx)[0];
        double count = c.get(idx)[1];
        if (idx > 0) {
            bucketStart = c.get(idx - 1)[0];
            count -= c.get(idx - 1)[1];
            rank -= c.get(idx - 1)[1];
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count);
    }
}
