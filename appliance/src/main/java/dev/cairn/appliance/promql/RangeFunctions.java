package dev.cairn.appliance.promql;

import dev.cairn.appliance.promql.parser.Call;
import dev.cairn.appliance.promql.parser.Expr;
import dev.cairn.appliance.promql.parser.MatrixSelector;
import dev.cairn.appliance.promql.parser.VectorSelector;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Functions over range vectors (rate, increase, delta, irate, idelta, deriv, predict_linear,
 * holt_winters, changes, resets, *_over_time, absent_over_time). Each series is walked once; the
 * window of every step is a [lo, hi) slice of the series' primitive arrays, moved forward as the
 * steps advance, so there is no allocation per step or sample.
 */
final class RangeFunctions {
    private RangeFunctions() {
    }

    /**
     * One range function at one step: samples ts[lo..hi) (non-empty), window [rangeStart, rangeEnd],
     * evaluation time evalTs, scalar arguments. Returns NaN-bits {@link #NONE} for "no output".
     */
    interface RangeFn {
        double apply(long[] ts, double[] vs, int lo, int hi, long rangeStart, long rangeEnd, long evalTs,
                     double[] scalars);
    }

    /** A value no function returns (a NaN payload unlike Go's NaN and the stale marker): "no output". */
    static final double NONE = Double.longBitsToDouble(0x7ff00000000000ffL);

    static boolean isNone(double v) {
        return Double.doubleToRawLongBits(v) == 0x7ff00000000000ffL;
    }

    static List<SeriesBuilder> eval(Evaluator ev, Call c, int matrixArg) {
        String name = c.function().name();
        List<Expr> args = c.args();
        // Scalar arguments, one value per step.
        List<List<SeriesBuilder>> scalarArgs = new ArrayList<>();
        int[] scalarIdx = new int[args.size()];
        for (int i = 0; i < args.size(); i++) {
            if (i != matrixArg) {
                scalarIdx[scalarArgs.size()] = i;
                scalarArgs.add(ev.matrix(args.get(i)));
            }
        }
        Evaluator.WindowSource src = ev.windowSource(args.get(matrixArg));
        RangeFn fn = of(name, src.rangeMs());
        if (name.equals("holt_winters")) {
            // Validated per step, as Prometheus does.
        }
        double[] scalars = new double[scalarArgs.size()];
        List<SeriesBuilder> out = new ArrayList<>();
        boolean keepName = name.equals("last_over_time");
        QueryContext ctx = ev.ctx();
        for (SeriesBuilder s : src.series()) {
            ctx.checkDone();
            Labels l = keepName ? s.labels : Evaluator.dropName(s.labels);
            SeriesBuilder sb = null;
            int lo = 0;
            int hi = 0;
            int step = 0;
            for (long ts = ev.start; ts <= ev.end; ts += ev.interval, step++) {
                for (int j = 0; j < scalars.length; j++) {
                    scalars[j] = scalarArgs.get(j).get(0).vs[step];
                }
                long maxt = ev.refTime(ts, src.offsetMs(), src.at());
                long mint = maxt - src.rangeMs();
                if (src.at().isSet()) {
                    lo = 0;
                    hi = 0;
                }
                while (hi < s.n && s.ts[hi] <= maxt) {
                    hi++;
                }
                while (lo < hi && s.ts[lo] < mint) {
                    lo++;
                }
                if (lo >= hi) {
                    continue;
                }
                ctx.addSamples(hi - lo);
                double v = fn.apply(s.ts, s.vs, lo, hi, mint, maxt, ts, scalars);
                ctx.samples -= hi - lo;
                if (!isNone(v)) {
                    if (sb == null) {
                        sb = new SeriesBuilder(l, Math.min(ev.numSteps(), 64));
                    }
                    sb.add(ts, v);
                }
            }
            if (sb != null) {
                ctx.addSamples(sb.n);
                out.add(sb);
            }
        }
        if (name.equals("absent_over_time")) {
            return absentOverTime(ev, out, args.get(matrixArg));
        }
        Evaluator.checkDistinct(out);
        return out;
    }

    private static List<SeriesBuilder> absentOverTime(Evaluator ev, List<SeriesBuilder> present, Expr arg) {
        Set<Long> found = new HashSet<>();
        for (SeriesBuilder s : present) {
            for (int i = 0; i < s.n; i++) {
                found.add(s.ts[i]);
            }
        }
        Expr a = Evaluator.unwrap(arg);
        Labels l = a instanceof MatrixSelector ms ? InstantFunctions.absentLabels(ms.selector()) : Labels.EMPTY;
        SeriesBuilder sb = new SeriesBuilder(l, 16);
        for (long ts = ev.start; ts <= ev.end; ts += ev.interval) {
            if (!found.contains(ts)) {
                sb.add(ts, 1);
            }
        }
        List<SeriesBuilder> out = new ArrayList<>();
        if (sb.n > 0) {
            out.add(sb);
        }
        return out;
    }

    static RangeFn of(String name, long rangeMs) {
        return switch (name) {
            case "rate" -> (ts, vs, lo, hi, rs, re, e, sc) ->
                    extrapolatedRate(ts, vs, lo, hi, rs, re, rangeMs, true, true);
            case "increase" -> (ts, vs, lo, hi, rs, re, e, sc) ->
                    extrapolatedRate(ts, vs, lo, hi, rs, re, rangeMs, true, false);
            case "delta" -> (ts, vs, lo, hi, rs, re, e, sc) ->
                    extrapolatedRate(ts, vs, lo, hi, rs, re, rangeMs, false, false);
            case "irate" -> (ts, vs, lo, hi, rs, re, e, sc) -> instantValue(ts, vs, lo, hi, true);
            case "idelta" -> (ts, vs, lo, hi, rs, re, e, sc) -> instantValue(ts, vs, lo, hi, false);
            case "deriv" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                if (hi - lo < 2) {
                    return NONE;
                }
                return linearRegression(ts, vs, lo, hi, ts[lo])[0];
            };
            case "predict_linear" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                if (hi - lo < 2) {
                    return NONE;
                }
                double[] r = linearRegression(ts, vs, lo, hi, e);
                return r[0] * sc[0] + r[1];
            };
            case "holt_winters" -> RangeFunctions::holtWinters;
            case "changes" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                int changes = 0;
                double prev = vs[lo];
                for (int i = lo + 1; i < hi; i++) {
                    double cur = vs[i];
                    if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                        changes++;
                    }
                    prev = cur;
                }
                return changes;
            };
            case "resets" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                int resets = 0;
                double prev = vs[lo];
                for (int i = lo + 1; i < hi; i++) {
                    if (vs[i] < prev) {
                        resets++;
                    }
                    prev = vs[i];
                }
                return resets;
            };
            case "avg_over_time" -> RangeFunctions::avgOverTime;
            case "count_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> hi - lo;
            case "last_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> vs[hi - 1];
            case "present_over_time", "absent_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> 1;
            case "max_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                double max = vs[lo];
                for (int i = lo; i < hi; i++) {
                    if (vs[i] > max || Double.isNaN(max)) {
                        max = vs[i];
                    }
                }
                return max;
            };
            case "min_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                double min = vs[lo];
                for (int i = lo; i < hi; i++) {
                    if (vs[i] < min || Double.isNaN(min)) {
                        min = vs[i];
                    }
                }
                return min;
            };
            case "sum_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> {
                double sum = 0;
                double c = 0;
                for (int i = lo; i < hi; i++) {
                    double inc = vs[i];
                    double t = sum + inc;
                    c += Math.abs(sum) >= Math.abs(inc) ? (sum - t) + inc : (inc - t) + sum;
                    sum = t;
                }
                return Double.isInfinite(sum) ? sum : sum + c;
            };
            case "quantile_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) ->
                    Aggregations.quantile(sc[0], java.util.Arrays.copyOfRange(vs, lo, hi));
            case "stddev_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> Math.sqrt(variance(vs, lo, hi));
            case "stdvar_over_time" -> (ts, vs, lo, hi, rs, re, e, sc) -> variance(vs, lo, hi);
            default -> throw new IllegalStateException("not a range function: " + name);
        };
    }

    /** Neumaier-compensated sum, as Prometheus's kahanSumInc. */
    static final class Kahan {
        double sum;
        double c;

        void add(double inc) {
            double t = sum + inc;
            if (Math.abs(sum) >= Math.abs(inc)) {
                c += (sum - t) + inc;
            } else {
                c += (inc - t) + sum;
            }
            sum = t;
        }
    }

    /** rate/increase/delta: Prometheus's extrapolatedRate (2.x, both window ends inclusive). */
    static double extrapolatedRate(long[] ts, double[] vs, int lo, int hi, long rangeStart, long rangeEnd,
                                   long rangeMs, boolean isCounter, boolean isRate) {
        int n = hi - lo;
        if (n < 2) {
            return NONE;
        }
        double first = vs[lo];
        double last = vs[hi - 1];
        double result = last - first;
        if (isCounter) {
            double prev = first;
            for (int i = lo + 1; i < hi; i++) {
                if (vs[i] < prev) {
                    result += prev;
                }
                prev = vs[i];
            }
        }
        double durationToStart = (ts[lo] - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - ts[hi - 1]) / 1000.0;
        double sampledInterval = (ts[hi - 1] - ts[lo]) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / (n - 1);
        if (isCounter && result > 0 && first >= 0) {
            double durationToZero = sampledInterval * (first / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        if (durationToStart < extrapolationThreshold) {
            extrapolateToInterval += durationToStart;
        } else {
            extrapolateToInterval += averageDurationBetweenSamples / 2;
        }
        if (durationToEnd < extrapolationThreshold) {
            extrapolateToInterval += durationToEnd;
        } else {
            extrapolateToInterval += averageDurationBetweenSamples / 2;
        }
        double factor = extrapolateToInterval / sampledInterval;
        if (isRate) {
            factor /= rangeMs / 1000.0;
        }
        return result * factor;
    }

    /** irate/idelta from the last two samples. */
    static double instantValue(long[] ts, double[] vs, int lo, int hi, boolean isRate) {
        if (hi - lo < 2) {
            return NONE;
        }
        double last = vs[hi - 1];
        double prev = vs[hi - 2];
        double result = isRate && last < prev ? last : last - prev;
        long sampledInterval = ts[hi - 1] - ts[hi - 2];
        if (sampledInterval == 0) {
            return NONE;
        }
        if (isRate) {
            result /= sampledInterval / 1000.0;
        }
        return result;
    }

    /** Least squares over the window; returns {slope, intercept at interceptTime}. */
    static double[] linearRegression(long[] ts, double[] vs, int lo, int hi, long interceptTime) {
        double n = 0;
        Kahan sx = new Kahan();
        Kahan sy = new Kahan();
        Kahan sxy = new Kahan();
        Kahan sx2 = new Kahan();
        double initY = vs[lo];
        boolean constY = true;
        for (int i = lo; i < hi; i++) {
            double y = vs[i];
            if (constY && i > lo && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (ts[i] - interceptTime) / 1e3;
            sx.add(x);
            sy.add(y);
            sxy.add(x * y);
            sx2.add(x * x);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        double sumX = sx.sum + sx.c;
        double sumY = sy.sum + sy.c;
        double sumXY = sxy.sum + sxy.c;
        double sumX2 = sx2.sum + sx2.c;
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        double intercept = sumY / n - slope * sumX / n;
        return new double[] {slope, intercept};
    }

    private static double holtWinters(long[] ts, double[] vs, int lo, int hi, long rs, long re, long e,
                                      double[] sc) {
        double sf = sc[0];
        double tf = sc[1];
        if (sf <= 0 || sf >= 1) {
            throw PromqlException.execution("invalid smoothing factor. Expected: 0 < sf < 1, got: " + goF(sf));
        }
        if (tf <= 0 || tf >= 1) {
            throw PromqlException.execution("invalid trend factor. Expected: 0 < tf < 1, got: " + goF(tf));
        }
        int l = hi - lo;
        if (l < 2) {
            return NONE;
        }
        double s0 = 0;
        double s1 = vs[lo];
        double b = vs[lo + 1] - vs[lo];
        for (int i = 1; i < l; i++) {
            double x = sf * vs[lo + i];
            // calcTrendValue(i-1, ...): the first trend is the raw difference.
            if (i - 1 != 0) {
                b = tf * (s1 - s0) + (1 - tf) * b;
            }
            double y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }
        return s1;
    }

    /** Go's %f: six decimals, and NaN, +Inf, -Inf spelled as Go spells them. */
    static String goF(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return String.format(java.util.Locale.ROOT, "%f", v);
    }

    private static double avgOverTime(long[] ts, double[] vs, int lo, int hi, long rs, long re, long e,
                                      double[] sc) {
        double mean = 0;
        double count = 0;
        double c = 0;
        for (int i = lo; i < hi; i++) {
            double v = vs[i];
            count++;
            if (Double.isInfinite(mean)) {
                if (Double.isInfinite(v) && (mean > 0) == (v > 0)) {
                    continue;
                }
                if (!Double.isInfinite(v) && !Double.isNaN(v)) {
                    continue;
                }
            }
            double inc = v / count - mean / count;
            double t = mean + inc;
            if (Math.abs(mean) >= Math.abs(inc)) {
                c += (mean - t) + inc;
            } else {
                c += (inc - t) + mean;
            }
            mean = t;
        }
        if (Double.isInfinite(mean)) {
            return mean;
        }
        return mean + c;
    }

    /** Welford's variance with compensated sums, as Prometheus's stdvar_over_time. */
    private static double variance(double[] vs, int lo, int hi) {
        double count = 0;
        double mean = 0;
        double cMean = 0;
        double aux = 0;
        double cAux = 0;
        for (int i = lo; i < hi; i++) {
            double v = vs[i];
            count++;
            double delta = v - (mean + cMean);
            double inc = delta / count;
            double t = mean + inc;
            cMean += Math.abs(mean) >= Math.abs(inc) ? (mean - t) + inc : (inc - t) + mean;
            mean = t;
            inc = delta * (v - (mean + cMean));
            t = aux + inc;
            cAux += Math.abs(aux) >= Math.abs(inc) ? (aux - t) + inc : (inc - t) + aux;
            aux = t;
        }
        return (aux + cAux) / count;
    }

    static boolean isSelector(Expr e) {
        return Evaluator.unwrap(e) instanceof VectorSelector;
    }
}
