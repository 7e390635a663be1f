package dev.cairn.appliance.promql.parser;

/**
 * {@code -expr} or {@code +expr} ({@code op} is {@link BinaryOp#SUB} or {@link BinaryOp#ADD}); a
 * sign before a number literal is folded into the literal instead.
 */
public record UnaryExpr(BinaryOp op, Expr expr, int startPos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }

    @Override
    public PositionRange positionRange() {
        return new PositionRange(startPos, expr.positionRange().end());
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
