package dev.cairn.appliance.promql;

import dev.cairn.appliance.promql.parser.BinaryExpr;
import dev.cairn.appliance.promql.parser.BinaryOp;
import dev.cairn.appliance.promql.parser.ValueType;
import dev.cairn.appliance.promql.parser.VectorMatching;
import dev.cairn.tsdb.labels.Labels;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Binary operators between scalars and vectors, with Prometheus's vector matching: one-to-one,
 * group_left/group_right, on/ignoring, set operators, {@code bool}, and its rules for keeping or
 * dropping {@code __name__} (arithmetic drops it, comparisons keep it unless {@code bool}).
 */
final class BinaryOps {
    private BinaryOps() {
    }

    static List<SeriesBuilder> eval(Evaluator ev, BinaryExpr e) {
        ValueType lt = e.lhs().type();
        ValueType rt = e.rhs().type();
        BinaryOp op = e.op();
        boolean returnBool = e.returnBool();
        if (lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            return ev.rangeEval(null, (a, ts, step, out) ->
                    out.add(Labels.EMPTY, ts, scalarOp(op, a[0].v[0], a[1].v[0])), e.lhs(), e.rhs());
        }
        if (lt == ValueType.VECTOR && rt == ValueType.VECTOR) {
            VectorMatching m = e.matching();
            Function<Labels, Object> sig = signature(m.on(), m.matchingLabels());
            return switch (op) {
                case LAND -> ev.rangeEval(sig, (a, ts, step, out) -> and(a[0], a[1], out), e.lhs(), e.rhs());
                case LOR -> ev.rangeEval(sig, (a, ts, step, out) -> or(a[0], a[1], out), e.lhs(), e.rhs());
                case LUNLESS -> ev.rangeEval(sig, (a, ts, step, out) -> unless(a[0], a[1], out), e.lhs(), e.rhs());
                default -> {
                    Map<Object, Integer> rightSigs = new HashMap<>();
                    Map<Object, Set<Labels>> matched = new HashMap<>();
                    yield ev.rangeEval(sig, (a, ts, step, out) -> vectorOp(op, a[0], a[1], m, returnBool, out,
                            rightSigs, matched), e.lhs(), e.rhs());
                }
            };
        }
        if (lt == ValueType.VECTOR) {
            return ev.rangeEval(null, (a, ts, step, out) -> vectorScalar(op, a[0], a[1].v[0], false, returnBool, out),
                    e.lhs(), e.rhs());
        }
        return ev.rangeEval(null, (a, ts, step, out) -> vectorScalar(op, a[1], a[0].v[0], true, returnBool, out),
                e.lhs(), e.rhs());
    }

    /** The matching key of a series: on(...) keeps the listed labels, ignoring drops them and the name. */
    static Function<Labels, Object> signature(boolean on, List<String> names) {
        if (on) {
            return l -> {
                Labels.Builder b = Labels.builder();
                for (String n : names) {
                    b.set(n, l.get(n));
                }
                return b.build();
            };
        }
        return l -> {
            Labels.Builder b = l.toBuilder().delete(Labels.METRIC_NAME);
            for (String n : names) {
                b.delete(n);
            }
            return b.build();
        };
    }

    private static void and(StepVector lhs, StepVector rhs, StepVector out) {
        if (lhs.n == 0 || rhs.n == 0) {
            return;
        }
        Set<Object> right = new HashSet<>();
        for (int i = 0; i < rhs.n; i++) {
            right.add(rhs.aux[i]);
        }
        for (int i = 0; i < lhs.n; i++) {
            if (right.contains(lhs.aux[i])) {
                out.add(lhs.labels[i], lhs.t[i], lhs.v[i]);
            }
        }
    }

    private static void or(StepVector lhs, StepVector rhs, StepVector out) {
        Set<Object> left = new HashSet<>();
        for (int i = 0; i < lhs.n; i++) {
            left.add(lhs.aux[i]);
            out.add(lhs.labels[i], lhs.t[i], lhs.v[i]);
        }
        for (int i = 0; i < rhs.n; i++) {
            if (!left.contains(rhs.aux[i])) {
                out.add(rhs.labels[i], rhs.t[i], rhs.v[i]);
            }
        }
    }

    private static void unless(StepVector lhs, StepVector rhs, StepVector out) {
        Set<Object> right = new HashSet<>();
        for (int i = 0; i < rhs.n; i++) {
            right.add(rhs.aux[i]);
        }
        for (int i = 0; i < lhs.n; i++) {
            if (!right.contains(lhs.aux[i])) {
                out.add(lhs.labels[i], lhs.t[i], lhs.v[i]);
            }
        }
    }

    private static void vectorOp(BinaryOp op, StepVector lhs, StepVector rhs, VectorMatching m, boolean returnBool,
                                 StepVector out, Map<Object, Integer> rightSigs, Map<Object, Set<Labels>> matched) {
        if (lhs.n == 0 || rhs.n == 0) {
            return;
        }
        boolean oneToMany = m.card() == VectorMatching.Cardinality.ONE_TO_MANY;
        if (oneToMany) {
            StepVector t = lhs;
            lhs = rhs;
            rhs = t;
        }
        rightSigs.clear();
        for (int i = 0; i < rhs.n; i++) {
            Object sig = rhs.aux[i];
            Integer dup = rightSigs.get(sig);
            if (dup != null) {
                String side = oneToMany ? "left" : "right";
                throw PromqlException.execution("found duplicate series for the match group "
                        + matchLabels(rhs.labels[i], m) + " on the " + side + " hand-side of the operation: ["
                        + rhs.labels[i] + ", " + rhs.labels[dup] + "];many-to-many matching not allowed: "
                        + "matching labels must be unique on one side");
            }
            rightSigs.put(sig, i);
        }
        matched.clear();
        for (int i = 0; i < lhs.n; i++) {
            Object sig = lhs.aux[i];
            Integer ri = rightSigs.get(sig);
            if (ri == null) {
                continue;
            }
            double vl = lhs.v[i];
            double vr = rhs.v[ri];
            if (oneToMany) {
                double t = vl;
                vl = vr;
                vr = t;
            }
            double value;
            boolean keep;
            if (op.isComparison()) {
                keep = compare(op, vl, vr);
                value = vl;
            } else {
                keep = true;
                value = arith(op, vl, vr);
            }
            if (returnBool) {
                value = keep ? 1 : 0;
            } else if (!keep) {
                continue;
            }
            Labels metric = resultMetric(lhs.labels[i], rhs.labels[ri], op, m);
            if (returnBool) {
                metric = Evaluator.dropName(metric);
            }
            if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
                if (matched.containsKey(sig)) {
                    throw PromqlException.execution("multiple matches for labels: many-to-one matching must be "
                            + "explicit (group_left/group_right)");
                }
                matched.put(sig, null);
            } else {
                Set<Labels> inserted = matched.computeIfAbsent(sig, k -> new HashSet<>());
                if (!inserted.add(metric)) {
                    throw PromqlException.execution("multiple matches for labels: grouping labels must ensure "
                            + "unique matches");
                }
            }
            out.add(metric, lhs.t[i], value);
        }
    }

    /** Prometheus's Labels.MatchLabels: the labels the match group is made of. */
    private static Labels matchLabels(Labels l, VectorMatching m) {
        Labels.Builder b = Labels.builder();
        if (m.on()) {
            for (String n : m.matchingLabels()) {
                b.set(n, l.get(n));
            }
        } else {
            Set<String> skip = new HashSet<>(m.matchingLabels());
            skip.add(Labels.METRIC_NAME);
            for (int i = 0; i < l.size(); i++) {
                if (!skip.contains(l.name(i))) {
                    b.set(l.name(i), l.value(i));
                }
            }
        }
        return b.build();
    }

    private static Labels resultMetric(Labels lhs, Labels rhs, BinaryOp op, VectorMatching m) {
        Labels.Builder b = lhs.toBuilder();
        if (dropsName(op)) {
            b.delete(Labels.METRIC_NAME);
        }
        if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
            if (m.on()) {
                Set<String> keep = new HashSet<>(m.matchingLabels());
                for (int i = 0; i < lhs.size(); i++) {
                    if (!keep.contains(lhs.name(i))) {
                        b.delete(lhs.name(i));
                    }
                }
            } else {
                for (String n : m.matchingLabels()) {
                    b.delete(n);
                }
            }
        }
        for (String n : m.include()) {
            b.set(n, rhs.get(n));
        }
        return b.build();
    }

    private static void vectorScalar(BinaryOp op, StepVector vec, double scalar, boolean swap, boolean returnBool,
                                     StepVector out) {
        for (int i = 0; i < vec.n; i++) {
            double lv = vec.v[i];
            double rv = scalar;
            if (swap) {
                lv = scalar;
                rv = vec.v[i];
            }
            double value;
            boolean keep;
            if (op.isComparison()) {
                keep = compare(op, lv, rv);
                value = swap ? rv : lv;
            } else {
                keep = true;
                value = arith(op, lv, rv);
            }
            if (returnBool) {
                value = keep ? 1 : 0;
                keep = true;
            }
            if (keep) {
                Labels l = vec.labels[i];
                if (dropsName(op) || returnBool) {
                    l = Evaluator.dropName(l);
                }
                out.add(l, vec.t[i], value);
            }
        }
    }

    static boolean dropsName(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, POW, MOD -> true;
            default -> false;
        };
    }

    static double scalarOp(BinaryOp op, double l, double r) {
        if (op.isComparison()) {
            return compare(op, l, r) ? 1 : 0;
        }
        return arith(op, l, r);
    }

    static boolean compare(BinaryOp op, double l, double r) {
        return switch (op) {
            case EQLC -> l == r;
            case NEQ -> l != r;
            case GTR -> l > r;
            case LSS -> l < r;
            case GTE -> l >= r;
            case LTE -> l <= r;
            default -> throw new IllegalStateException("not a comparison: " + op);
        };
    }

    static double arith(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case POW -> GoMath.pow(l, r);
            case MOD -> GoMath.mod(l, r);
            case ATAN2 -> Math.atan2(l, r);
            default -> throw PromqlException.execution("operator \"" + op.text()
                    + "\" not allowed for operations between Vectors");
        };
    }
}
