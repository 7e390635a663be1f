package dev.cairn.appliance.promql.parser;

/**
 * A range vector selector {@code selector[range]}; offset and {@code @} are kept on the selector
 * (written after the range: {@code foo[5m] offset 1h}).
 */
public record MatrixSelector(VectorSelector selector, long rangeMs, int endPos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    @Override
    public PositionRange positionRange() {
        return new PositionRange(selector.positionRange().start(), endPos);
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
