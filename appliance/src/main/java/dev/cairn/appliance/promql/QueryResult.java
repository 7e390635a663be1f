package dev.cairn.appliance.promql;

import java.util.List;

/** What a query returns: its value and the warnings met on the way (never null). */
public record QueryResult(Value value, List<String> warnings) {
    public QueryResult {
        warnings = List.copyOf(warnings);
    }
}
