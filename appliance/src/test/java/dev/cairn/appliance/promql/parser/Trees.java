package dev.cairn.appliance.promql.parser;

import java.util.List;
import java.util.stream.Collectors;

/** Test views of a tree: without positions (for structural equality) and as an S-expression. */
final class Trees {
    private static final PositionRange Z = PositionRange.NONE;

    private Trees() {}

    /**
     * The same tree with every position zeroed and matchers in a fixed order (printing sorts them,
     * and their order does not change what a selector selects), so trees from different texts compare.
     */
    static Expr strip(Expr e) {
        if (e instanceof NumberLiteral n) {
            return new NumberLiteral(n.value(), Z);
        }
        if (e instanceof StringLiteral s) {
            return new StringLiteral(s.value(), Z);
        }
        if (e instanceof VectorSelector v) {
            List<dev.cairn.tsdb.labels.Matcher> sorted = new java.util.ArrayList<>(v.matchers());
            sorted.sort(java.util.Comparator.comparing(Object::toString));
            return new VectorSelector(v.name(), sorted, v.offsetMs(), v.at(), Z);
        }
        if (e instanceof MatrixSelector m) {
            return new MatrixSelector((VectorSelector) strip(m.selector()), m.rangeMs(), 0);
        }
        if (e instanceof SubqueryExpr s) {
            return new SubqueryExpr(strip(s.expr()), s.rangeMs(), s.stepMs(), s.offsetMs(), s.at(), 0);
        }
        if (e instanceof BinaryExpr b) {
            return new BinaryExpr(b.op(), strip(b.lhs()), strip(b.rhs()), b.matching(), b.returnBool());
        }
        if (e instanceof AggregateExpr a) {
            return new AggregateExpr(a.op(), strip(a.expr()), a.param() == null ? null : strip(a.param()),
                    a.grouping(), a.without(), Z);
        }
        if (e instanceof Call c) {
            return new Call(c.function(), c.args().stream().map(Trees::strip).collect(Collectors.toList()), Z);
        }
        if (e instanceof ParenExpr p) {
            return new ParenExpr(strip(p.expr()), Z);
        }
        UnaryExpr u = (UnaryExpr) e;
        return new UnaryExpr(u.op(), strip(u.expr()), 0);
    }

    /** Operator structure only: {@code (+ 1 (* 2 3))}; leaves print as PromQL. */
    static String sexpr(Expr e) {
        if (e instanceof BinaryExpr b) {
            return "(" + b.op().text() + " " + sexpr(b.lhs()) + " " + sexpr(b.rhs()) + ")";
        }
        if (e instanceof UnaryExpr u) {
            return "(" + u.op().text() + " " + sexpr(u.expr()) + ")";
        }
        if (e instanceof ParenExpr p) {
            return "[" + sexpr(p.expr()) + "]";
        }
        if (e instanceof Call c) {
            List<String> args = c.args().stream().map(Trees::sexpr).collect(Collectors.toList());
            return "(" + c.function().name() + (args.isEmpty() ? "" : " " + String.join(" ", args)) + ")";
        }
        if (e instanceof AggregateExpr a) {
            return "(" + a.op().text() + (a.param() == null ? "" : " " + sexpr(a.param())) + " " + sexpr(a.expr()) + ")";
        }
        if (e instanceof SubqueryExpr s) {
            return "(subquery " + sexpr(s.expr()) + ")";
        }
        return e.toString();
    }
}
