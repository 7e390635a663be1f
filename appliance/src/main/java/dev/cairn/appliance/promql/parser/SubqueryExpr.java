package dev.cairn.appliance.promql.parser;

/** A subquery {@code expr[range:step] @ at offset d}; {@code stepMs} is 0 when omitted ({@code [30m:]}). */
public record SubqueryExpr(Expr expr, long rangeMs, long stepMs, long offsetMs, AtModifier at, int endPos)
        implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    @Override
    public PositionRange positionRange() {
        return new PositionRange(expr.positionRange().start(), endPos);
    }

    SubqueryExpr withOffset(long offset, int end) {
        return new SubqueryExpr(expr, rangeMs, stepMs, offset, at, end);
    }

    SubqueryExpr withAt(AtModifier newAt, int end) {
        return new SubqueryExpr(expr, rangeMs, stepMs, offsetMs, newAt, end);
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
