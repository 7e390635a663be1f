package dev.cairn.appliance.promql.parser;

import dev.cairn.tsdb.labels.Matcher;
import java.util.List;

/**
 * An instant vector selector {@code name{matchers} @ at offset d}. When a name is given, its
 * {@code __name__="name"} matcher is the last of {@code matchers}, as Prometheus stores it.
 * {@code offsetMs} is the offset as written (negative for {@code offset -5m}), 0 when absent.
 */
public record VectorSelector(String name, List<Matcher> matchers, long offsetMs, AtModifier at,
                             PositionRange positionRange) implements Expr {
    public VectorSelector {
        matchers = List.copyOf(matchers);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    VectorSelector withOffset(long offset, int end) {
        return new VectorSelector(name, matchers, offset, at, new PositionRange(positionRange.start(), end));
    }

    VectorSelector withAt(AtModifier newAt, int end) {
        return new VectorSelector(name, matchers, offsetMs, newAt, new PositionRange(positionRange.start(), end));
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
