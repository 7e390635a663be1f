package dev.cairn.appliance.promql.parser;

import java.util.List;

/** {@code op [by|without (labels)] ([param,] expr)}; {@code param} is null for operators without one. */
public record AggregateExpr(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without,
                            PositionRange positionRange) implements Expr {
    public AggregateExpr {
        grouping = List.copyOf(grouping);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
