package dev.cairn.appliance.promql.parser;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus's type checks (checkAST in promql/parser/parse.go) on a syntactically valid tree:
 * children first, left to right, and the first problem is thrown with Prometheus's wording and
 * position. Returns the tree as Prometheus leaves it after checking: vector matching dropped where
 * a side is not an instant vector, set operators made many-to-many.
 */
final class TypeChecker {
    private final String query;
    private final byte[] bytes;
    /**
     * The type of the tree {@link #check} last returned. Kept here rather than asked of the tree
     * because {@link Expr#type()} walks down binary chains, which would make checking quadratic.
     */
    private ValueType type;

    TypeChecker(String query, byte[] bytes) {
        this.query = query;
        this.bytes = bytes;
    }

    private ParseException fail(PositionRange at, String detail) {
        return new ParseException(query, at, detail);
    }


    /** Checks {@code e} and everything below it; returns the normalized tree. */
    Expr check(Expr e) {
        if (e instanceof AggregateExpr a) {
            Expr inner = expectType(a.expr(), ValueType.VECTOR, "aggregation expression");
            Expr param = a.param();
            if (a.op() == AggregateOp.TOPK || a.op() == AggregateOp.BOTTOMK || a.op() == AggregateOp.QUANTILE) {
                param = expectType(param, ValueType.SCALAR, "aggregation parameter");
            } else if (a.op() == AggregateOp.COUNT_VALUES) {
                param = expectType(param, ValueType.STRING, "aggregation parameter");
            }
            type = ValueType.VECTOR;
            return new AggregateExpr(a.op(), inner, param, a.grouping(), a.without(), a.positionRange());
        }
        if (e instanceof BinaryExpr b) {
            return checkBinary(b);
        }
        if (e instanceof Call c) {
            return checkCall(c);
        }
        if (e instanceof ParenExpr p) {
            return new ParenExpr(check(p.expr()), p.positionRange());
        }
        if (e instanceof UnaryExpr u) {
            Expr inner = check(u.expr());
            if (type != ValueType.SCALAR && type != ValueType.VECTOR) {
                throw fail(u.positionRange(), "unary expression only allowed on expressions of type scalar or instant "
                        + "vector, got " + GoText.quote(type.documented()));
            }
            return new UnaryExpr(u.op(), inner, u.startPos());
        }
        if (e instanceof SubqueryExpr s) {
            Expr inner = check(s.expr());
            if (type != ValueType.VECTOR) {
                throw fail(s.positionRange(), "subquery is only allowed on instant vector, got "
                        + type.goName() + " instead");
            }
            type = ValueType.MATRIX;
            return new SubqueryExpr(inner, s.rangeMs(), s.stepMs(), s.offsetMs(), s.at(), s.endPos());
        }
        if (e instanceof MatrixSelector m) {
            checkSelector(m.selector());
            type = ValueType.MATRIX;
            return m;
        }
        if (e instanceof VectorSelector v) {
            checkSelector(v);
        }
        type = e.type(); // a leaf: selector or literal
        return e;
    }

    private Expr expectType(Expr e, ValueType want, String context) {
        Expr checked = check(e);
        if (type != want) {
            throw fail(e.positionRange(), "expected type " + want.documented() + " in " + context + ", got "
                    + type.documented());
        }
        return checked;
    }

    private void checkSelector(VectorSelector v) {
        if (!v.name().isEmpty()) {
            List<Matcher> ms = v.matchers();
            for (int i = 0; i < ms.size() - 1; i++) {
                if (ms.get(i).name().equals(Labels.METRIC_NAME)) {
                    throw fail(v.positionRange(), "metric name must not be set twice: " + GoText.quote(v.name())
                            + " or " + GoText.quote(ms.get(i).value()));
                }
            }
            return;
        }
        for (Matcher m : v.matchers()) {
            if (!m.matchesEmpty()) {
                return;
            }
        }
        throw fail(v.positionRange(), "vector selector must contain at least one non-empty matcher");
    }

    private Expr checkCall(Call c) {
        Function f = c.function();
        int nargs = f.argTypes().size();
        int given = c.args().size();
        String name = GoText.quote(f.name());
        if (f.variadic() == 0) {
            if (nargs != given) {
                throw fail(c.positionRange(), "expected " + nargs + " argument(s) in call to " + name + ", got " + given);
            }
        } else {
            int na = nargs - 1;
            if (na > given) {
                throw fail(c.positionRange(), "expected at least " + na + " argument(s) in call to " + name + ", got "
                        + given);
            } else if (f.variadic() > 0 && na + f.variadic() < given) {
                throw fail(c.positionRange(), "expected at most " + (na + f.variadic()) + " argument(s) in call to "
                        + name + ", got " + given);
            }
        }
        List<Expr> args = new ArrayList<>(given);
        for (int i = 0; i < given; i++) {
            int ti = Math.min(i, nargs - 1);
            args.add(expectType(c.args().get(i), f.argTypes().get(ti), "call to function " + name));
        }
        type = f.returnType();
        return new Call(f, args, c.positionRange());
    }

    private Expr checkBinary(BinaryExpr b) {
        Expr lhs = check(b.lhs());
        ValueType lt = type;
        Expr rhs = check(b.rhs());
        ValueType rt = type;
        BinaryOp op = b.op();
        VectorMatching vm = b.matching();
        if (b.returnBool() && !op.isComparison()) {
            throw fail(operatorRange(b), "bool modifier can only be used on comparison operators");
        }
        if (op.isComparison() && !b.returnBool() && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw fail(operatorRange(b), "comparisons between scalars must use BOOL modifier");
        }
        if (op.isSetOperator() && vm.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
            vm = vm.withCard(VectorMatching.Cardinality.MANY_TO_MANY);
        }
        if (vm.on()) {
            for (String l1 : vm.matchingLabels()) {
                if (vm.include().contains(l1)) {
                    throw fail(operatorRange(b), "label " + GoText.quote(l1)
                            + " must not occur in ON and GROUP clause at once");
                }
            }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw fail(lhs.positionRange(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw fail(rhs.positionRange(), "binary expression must contain only scalar and instant vector types");
        }
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
            if (!vm.matchingLabels().isEmpty()) {
                throw fail(b.positionRange(), "vector matching only allowed between instant vectors");
            }
            vm = null;
        } else if (op.isSetOperator()) {
            if (vm.card() == VectorMatching.Cardinality.ONE_TO_MANY || vm.card() == VectorMatching.Cardinality.MANY_TO_ONE) {
                throw fail(b.positionRange(), "no grouping allowed for " + GoText.quote(op.text()) + " operation");
            }
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && op.isSetOperator()) {
            throw fail(b.positionRange(), "set operator " + GoText.quote(op.text())
                    + " not allowed in binary scalar expression");
        }
        type = lt == ValueType.SCALAR && rt == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
        return new BinaryExpr(op, lhs, rhs, vm, b.returnBool());
    }

    /** The operator's position: the first non-space after the left operand, as Prometheus finds it. */
    private PositionRange operatorRange(BinaryExpr b) {
        int start = b.lhs().positionRange().end();
        while (start < bytes.length && Lexer.isSpace(bytes[start])) {
            start++;
        }
        int end = b.rhs().positionRange().start() - 1;
        while (end > start && Lexer.isSpace(bytes[end])) {
            end--;
        }
        return new PositionRange(start, end);
    }
}
