package dev.cairn.appliance.promql.parser;

/** A string literal, its value unquoted. */
public record StringLiteral(String value, PositionRange positionRange) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
