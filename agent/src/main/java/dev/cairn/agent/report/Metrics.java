package dev.cairn.agent.report;

/** Writers of the Prometheus text format (0.0.4) for the agent's own families outside the relay. */
public final class Metrics {
    private Metrics() {
    }

    public static void counter(StringBuilder sb, String name, String help, double v) {
        family(sb, name, "counter", help);
        sb.append(name).append(' ');
        number(sb, v);
    }

    public static void gauge(StringBuilder sb, String name, String help, double v) {
        family(sb, name, "gauge", help);
        sb.append(name).append(' ');
        number(sb, v);
    }

    private static void family(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void number(StringBuilder sb, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
        sb.append('\n');
    }
}
