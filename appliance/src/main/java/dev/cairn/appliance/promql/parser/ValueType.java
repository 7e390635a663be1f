package dev.cairn.appliance.promql.parser;

/** The type a PromQL expression evaluates to. */
public enum ValueType {
    NONE("none", "none"),
    SCALAR("scalar", "scalar"),
    VECTOR("vector", "instant vector"),
    MATRIX("matrix", "range vector"),
    STRING("string", "string");

    private final String goName;
    private final String documented;

    ValueType(String goName, String documented) {
        this.goName = goName;
        this.documented = documented;
    }

    /** Prometheus's internal name ({@code vector}, {@code matrix}), used by some messages and the API. */
    public String goName() {
        return goName;
    }

    /** The documented name ({@code instant vector}, {@code range vector}) most messages use. */
    public String documented() {
        return documented;
    }
}
