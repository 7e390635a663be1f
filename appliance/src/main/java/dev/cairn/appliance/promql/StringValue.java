package dev.cairn.appliance.promql;

/** A string literal's value at evaluation time {@code t} (ms). */
public record StringValue(long t, String value) implements Value {
    @Override
    public String typeName() {
        return "string";
    }
}
