package dev.cairn.appliance.web;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): a {@code # HELP} and {@code # TYPE}
 * line per family, then its samples. Label values are escaped as the format requires (backslash,
 * double quote, newline). Not thread-safe; one per scrape.
 */
public final class MetricsText {
    private final StringBuilder sb = new StringBuilder(4096);

    /** Starts a family; {@code type} is counter, gauge or untyped. */
    public MetricsText family(String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\n') {
                sb.append("\\n");
            } else {
                sb.append(c);
            }
        }
        sb.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} alternate name, value. */
    public MetricsText sample(String name, double value, String... labels) {
        sb.append(name);
        if (labels.length > 0) {
            sb.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(labels[i]).append("=\"");
                String v = labels[i + 1];
                for (int j = 0; j < v.length(); j++) {
                    char c = v.charAt(j);
                    switch (c) {
                        case '\\' -> sb.append("\\\\");
                        case '"' -> sb.append("\\\"");
                        case '\n' -> sb.append("\\n");
                        default -> sb.append(c);
                    }
                }
                sb.append('"');
            }
            sb.append('}');
        }
        sb.append(' ');
        if (Double.isNaN(value)) {
            sb.append("NaN");
        } else if (Double.isInfinite(value)) {
            sb.append(value > 0 ? "+Inf" : "-Inf");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            sb.append((long) value);
        } else {
            sb.append(new java.math.BigDecimal(Double.toString(value)).toPlainString());
        }
        sb.append('\n');
        return this;
    }

    /** A family with a single unlabelled sample. */
    public MetricsText single(String name, String type, String help, double value) {
        return family(name, type, help).sample(name, value);
    }

    /**
     * Families already in the text format (each with its own HELP and TYPE, ending in a newline), from a
     * component that renders its own, such as the compactor's status.
     */
    public MetricsText raw(String families) {
        sb.append(families);
        if (!families.isEmpty() && families.charAt(families.length() - 1) != '\n') {
            sb.append('\n');
        }
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
