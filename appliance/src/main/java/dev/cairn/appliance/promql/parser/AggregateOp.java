package dev.cairn.appliance.promql.parser;

/** The aggregation operators; four of them take a parameter before the vector. */
public enum AggregateOp {
    SUM, AVG, COUNT, MIN, MAX, GROUP, STDDEV, STDVAR, TOPK, BOTTOMK, COUNT_VALUES, QUANTILE;

    /** The keyword as written in PromQL. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** topk, bottomk, count_values and quantile take a parameter. */
    public boolean hasParam() {
        return this == TOPK || this == BOTTOMK || this == COUNT_VALUES || this == QUANTILE;
    }

    static AggregateOp of(ItemType t) {
        return valueOf(t.name());
    }
}
