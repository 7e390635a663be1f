package dev.cairn.appliance.promql.parser;

import java.util.List;

/**
 * How a binary operation between two instant vectors pairs series: {@code on(...)} or
 * {@code ignoring(...)} labels, and for many-to-one / one-to-many the {@code group_left(...)} /
 * {@code group_right(...)} labels to copy. Set operators are always many-to-many.
 */
public record VectorMatching(Cardinality card, List<String> matchingLabels, boolean on, List<String> include) {
    public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

    public VectorMatching {
        matchingLabels = List.copyOf(matchingLabels);
        include = List.copyOf(include);
    }

    VectorMatching withCard(Cardinality c) {
        return new VectorMatching(c, matchingLabels, on, include);
    }
}
