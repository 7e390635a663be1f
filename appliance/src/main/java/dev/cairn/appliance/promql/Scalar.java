package dev.cairn.appliance.promql;

/** A single number at evaluation time {@code t} (ms). */
public record Scalar(long t, double v) implements Value {
    @Override
    public String typeName() {
        return "scalar";
    }
}
