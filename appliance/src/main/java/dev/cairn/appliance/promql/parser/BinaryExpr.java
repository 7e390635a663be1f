package dev.cairn.appliance.promql.parser;

/**
 * {@code lhs op [bool] [on|ignoring(...) [group_left|group_right(...)]] rhs}. {@code matching} is
 * null unless both sides are instant vectors, as in Prometheus after type checking.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool)
        implements Expr {
    /** Scalar when both sides are; walks down left-nested chains ({@code a + b + c}) without recursion. */
    @Override
    public ValueType type() {
        Expr e = this;
        while (e instanceof BinaryExpr b) {
            if (b.rhs.type() != ValueType.SCALAR) {
                return ValueType.VECTOR;
            }
            e = b.lhs;
        }
        return e.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }

    /** From the start of the leftmost operand to the end of the rightmost one. */
    @Override
    public PositionRange positionRange() {
        Expr first = lhs;
        while (first instanceof BinaryExpr b) {
            first = b.lhs;
        }
        Expr last = rhs;
        while (last instanceof BinaryExpr b) {
            last = b.rhs;
        }
        return new PositionRange(first.positionRange().start(), last.positionRange().end());
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
