package dev.cairn.appliance.promql.parser;

import java.util.List;

/**
 * A PromQL function's signature. {@code variadic} as in Prometheus: 0 = exactly
 * {@code argTypes.size()} arguments; n &gt; 0 = the last argument type may be repeated or left out so
 * that between {@code size-1} and {@code size-1+n} arguments are given; -1 = the last may repeat
 * any number of times (at least {@code size-1} arguments).
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {
    public Function {
        argTypes = List.copyOf(argTypes);
    }
}
