package dev.cairn.appliance.promql.parser;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints expressions as Prometheus does: {@link #print} is the one-line canonical form of its
 * {@code String()} methods (promql/parser/printer.go); {@link #pretty} is the indented form of
 * {@code Pretty(0)} (prettier.go) that {@code /api/v1/format_query} returns, which splits any node
 * whose one-line form is longer than 100 bytes.
 */
public final class Printer {
    private static final int MAX_LINE = 100;

    private Printer() {}

    public static String print(Expr e) {
        try {
            return printOnThisThread(e);
        } catch (StackOverflowError deep) {
            return DeepStack.call(() -> printOnThisThread(e));
        }
    }

    private static String printOnThisThread(Expr e) {
        StringBuilder sb = new StringBuilder(64);
        append(sb, e);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Expr e) {
        if (e instanceof NumberLiteral n) {
            sb.append(GoText.formatFloat(n.value()));
        } else if (e instanceof StringLiteral s) {
            sb.append(GoText.quote(s.value()));
        } else if (e instanceof VectorSelector v) {
            appendSelector(sb, v);
            appendAt(sb, v.at());
            appendOffset(sb, v.offsetMs());
        } else if (e instanceof MatrixSelector m) {
            appendSelector(sb, m.selector());
            sb.append('[').append(Durations.format(m.rangeMs())).append(']');
            appendAt(sb, m.selector().at());
            appendOffset(sb, m.selector().offsetMs());
        } else if (e instanceof SubqueryExpr s) {
            append(sb, s.expr());
            appendSubquerySuffix(sb, s);
        } else if (e instanceof BinaryExpr b) {
            append(sb, b.lhs());
            sb.append(' ').append(b.op().text());
            appendBinaryModifiers(sb, b);
            sb.append(' ');
            append(sb, b.rhs());
        } else if (e instanceof AggregateExpr a) {
            appendAggregateOp(sb, a);
            sb.append('(');
            if (a.param() != null) {
                append(sb, a.param());
                sb.append(", ");
            }
            append(sb, a.expr());
            sb.append(')');
        } else if (e instanceof Call c) {
            sb.append(c.function().name()).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, c.args().get(i));
            }
            sb.append(')');
        } else if (e instanceof ParenExpr p) {
            sb.append('(');
            append(sb, p.expr());
            sb.append(')');
        } else if (e instanceof UnaryExpr u) {
            sb.append(u.op().text());
            append(sb, u.expr());
        }
    }

    /**
     * Name and matchers, without modifiers; the matcher for the name itself is implied. An explicit
     * {@code __name__=""} is printed, as 2.53 does (2.42 dropped it, changing the selector).
     */
    private static void appendSelector(StringBuilder sb, VectorSelector v) {
        List<String> shown = new ArrayList<>(v.matchers().size());
        for (Matcher m : v.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME) && m.type() == MatchType.EQUAL
                    && m.value().equals(v.name()) && !m.value().isEmpty()) {
                continue;
            }
            shown.add(m.name() + m.type().op() + GoText.quote(m.value()));
        }
        sb.append(v.name());
        if (!shown.isEmpty()) {
            Collections.sort(shown);
            sb.append('{').append(String.join(",", shown)).append('}');
        }
    }

    private static void appendAt(StringBuilder sb, AtModifier at) {
        switch (at.kind()) {
            case TIMESTAMP -> sb.append(" @ ").append(GoText.formatFixed(at.timestampMs() / 1000.0, 3));
            case START -> sb.append(" @ start()");
            case END -> sb.append(" @ end()");
            case NONE -> { }
        }
    }

    private static void appendOffset(StringBuilder sb, long offsetMs) {
        if (offsetMs > 0) {
            sb.append(" offset ").append(Durations.format(offsetMs));
        } else if (offsetMs < 0) {
            sb.append(" offset -").append(Durations.format(-offsetMs));
        }
    }

    private static void appendSubquerySuffix(StringBuilder sb, SubqueryExpr s) {
        sb.append('[').append(Durations.format(s.rangeMs())).append(':');
        if (s.stepMs() != 0) {
            sb.append(Durations.format(s.stepMs()));
        }
        sb.append(']');
        appendAt(sb, s.at());
        appendOffset(sb, s.offsetMs());
    }

    private static void appendBinaryModifiers(StringBuilder sb, BinaryExpr b) {
        if (b.returnBool()) {
            sb.append(" bool");
        }
        VectorMatching vm = b.matching();
        if (vm != null && (!vm.matchingLabels().isEmpty() || vm.on())) {
            sb.append(vm.on() ? " on (" : " ignoring (").append(String.join(", ", vm.matchingLabels())).append(')');
            if (vm.card() == VectorMatching.Cardinality.MANY_TO_ONE || vm.card() == VectorMatching.Cardinality.ONE_TO_MANY) {
                sb.append(vm.card() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (")
                        .append(String.join(", ", vm.include())).append(')');
            }
        }
    }

    private static void appendAggregateOp(StringBuilder sb, AggregateExpr a) {
        sb.append(a.op().text());
        if (a.without()) {
            sb.append(" without (").append(String.join(", ", a.grouping())).append(") ");
        } else if (!a.grouping().isEmpty()) {
            sb.append(" by (").append(String.join(", ", a.grouping())).append(") ");
        }
    }

    /** Prometheus's {@code Pretty(0)}: what {@code /api/v1/format_query} and {@code promtool} print. */
    public static String pretty(Expr e) {
        try {
            return pretty(e, 0);
        } catch (StackOverflowError deep) {
            return DeepStack.call(() -> pretty(e, 0));
        }
    }

    private static String pretty(Expr e, int level) {
        String indent = "  ".repeat(level);
        if (e instanceof AggregateExpr a) {
            if (!needsSplit(a)) {
                return indent + print(a);
            }
            StringBuilder sb = new StringBuilder(indent);
            appendAggregateOp(sb, a);
            sb.append("(\n");
            if (a.param() != null) {
                sb.append(pretty(a.param(), level + 1)).append(",\n");
            }
            return sb.append(pretty(a.expr(), level + 1)).append('\n').append(indent).append(')').toString();
        }
        if (e instanceof BinaryExpr b) {
            if (!needsSplit(b)) {
                return indent + print(b);
            }
            StringBuilder sb = new StringBuilder();
            sb.append(pretty(b.lhs(), level + 1)).append('\n').append(indent).append(b.op().text());
            appendBinaryModifiers(sb, b);
            return sb.append('\n').append(pretty(b.rhs(), level + 1)).toString();
        }
        if (e instanceof Call c) {
            if (!needsSplit(c)) {
                return indent + print(c);
            }
            StringBuilder sb = new StringBuilder(indent).append(c.function().name()).append("(\n");
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    sb.append(",\n");
                }
                sb.append(pretty(c.args().get(i), level + 1));
            }
            return sb.append('\n').append(indent).append(')').toString();
        }
        if (e instanceof ParenExpr p) {
            if (!needsSplit(p)) {
                return indent + print(p);
            }
            return indent + "(\n" + pretty(p.expr(), level + 1) + "\n" + indent + ")";
        }
        if (e instanceof SubqueryExpr s) {
            if (!needsSplit(s)) {
                return print(s);
            }
            StringBuilder sb = new StringBuilder(pretty(s.expr(), level));
            appendSubquerySuffix(sb, s);
            return sb.toString();
        }
        if (e instanceof UnaryExpr u) {
            return indent + u.op().text() + pretty(u.expr(), level).strip();
        }
        return indent + print(e);
    }

    private static boolean needsSplit(Expr e) {
        return print(e).getBytes(StandardCharsets.UTF_8).length > MAX_LINE;
    }
}
