package dev.cairn.appliance.promql.parser;

/** A number: {@code 1}, {@code 0x1f}, {@code 1e-3}, {@code Inf}, {@code -NaN} (a sign folds in). */
public record NumberLiteral(double value, PositionRange positionRange) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
