package dev.cairn.appliance.promql;

/** A PromQL result: a {@link Scalar}, a {@link StringValue}, a {@link Vector} or a {@link Matrix}. */
public sealed interface Value permits Scalar, StringValue, Vector, Matrix {
    /** Prometheus's name of the type: "scalar", "string", "vector" or "matrix" (the API's resultType). */
    String typeName();
}
