package dev.cairn.appliance.promql.parser;

/**
 * {@code lhs op [bool] [on|ignoring(...) [group_left|group_right(...)]] rhs}. {@code matching} is
 * null unless both sides are instant vectors, as in Prometheus after type checking.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool)
        implements Expr {
    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }

    @Override
    public PositionRange positionRange() {
        return lhs.positionRange().merge(rhs.positionRange());
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
