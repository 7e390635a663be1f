package dev.cairn.appliance.promql;

import java.util.List;

/** An instant vector: samples with distinct label sets, all at the evaluation time. */
public record Vector(List<Sample> samples) implements Value {
    public Vector {
        samples = List.copyOf(samples);
    }

    @Override
    public String typeName() {
        return "vector";
    }
}
