package dev.cairn.appliance.promql;

import dev.cairn.appliance.promql.parser.Durations;
import dev.cairn.appliance.promql.parser.Parser;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Our reading of the promqltest script format (Prometheus promql/test.go, 2.42): {@code load <step>}
 * followed by series lines ({@code metric{a="b"} 0+10x100 1 _ stale}), {@code clear}, and
 * {@code eval[_fail|_ordered] instant at <duration> <expr>} followed by expected lines
 * ({@code {labels} value}, or a bare number for a scalar). Extension: an {@code eval_fail} may be
 * followed by {@code expected_fail_message <text>}. Lines starting with # are comments.
 */
final class PromqlScript {
    static final double STALE = Double.longBitsToDouble(Evaluator.STALE_NAN_BITS);
    private static final Pattern EVAL = Pattern.compile("^eval(?:_(fail|ordered))?\\s+instant\\s+(?:at\\s+(.+?))?\\s+(.+)$");

    sealed interface Command permits Load, Clear, Eval {
    }

    record SeriesDef(Labels labels, long[] ts, double[] vs) {
    }

    record Load(long stepMs, List<SeriesDef> series, int line) implements Command {
    }

    record Clear(int line) implements Command {
    }

    record Expected(Labels labels, double value) {
    }

    record Eval(String expr, long timeMs, boolean fail, boolean ordered, Double scalar, List<Expected> expected,
                String failMessage, String file, int line) implements Command {
        String name() {
            return file + ":" + line + " " + expr + " @" + timeMs + "ms";
        }
    }

    private PromqlScript() {
    }

    static List<Command> parse(String file, String text) {
        String[] raw = text.split("\n", -1);
        String[] lines = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i].trim();
            lines[i] = l.startsWith("#") ? "" : l;
        }
        List<Command> cmds = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty()) {
                continue;
            }
            String word = l.split("[\\t ]+", 2)[0].toLowerCase(java.util.Locale.ROOT);
            if (word.equals("clear")) {
                cmds.add(new Clear(i + 1));
            } else if (word.equals("load")) {
                long step = Durations.parse(l.substring(4).trim());
                List<SeriesDef> defs = new ArrayList<>();
                int start = i + 1;
                while (i + 1 < lines.length && !lines[i + 1].isEmpty()) {
                    i++;
                    defs.add(seriesDef(file, i + 1, lines[i], step));
                }
                cmds.add(new Load(step, defs, start));
            } else if (word.startsWith("eval")) {
                var m = EVAL.matcher(l);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": invalid eval command: " + l);
                }
                String mod = m.group(1);
                long t = Durations.parse(m.group(2));
                String expr = m.group(3);
                int line = i + 1;
                Double scalar = null;
                String failMessage = null;
                List<Expected> expected = new ArrayList<>();
                while (i + 1 < lines.length && !lines[i + 1].isEmpty()) {
                    i++;
                    String d = lines[i];
                    if (d.startsWith("expected_fail_message ")) {
                        failMessage = d.substring("expected_fail_message ".length());
                        continue;
                    }
                    Double num = number(d);
                    if (num != null) {
                        scalar = num;
                        break;
                    }
                    SeriesDef def = seriesDef(file, i + 1, d, 0);
                    if (def.vs().length != 1) {
                        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected exactly one value: " + d);
                    }
                    expected.add(new Expected(def.labels(), def.vs()[0]));
                }
                cmds.add(new Eval(expr, t, "fail".equals(mod), "ordered".equals(mod), scalar, expected, failMessage,
                        file, line));
            } else {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": invalid command " + l);
            }
        }
        return cmds;
    }

    /** A float as Go's strconv.ParseFloat reads it in test files (incl. Inf, NaN), or null. */
    static Double number(String s) {
        String t = s.trim();
        switch (t) {
            case "Inf", "+Inf", "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf", "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN", "nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return null;
        }
        return Double.parseDouble(t);
    }

    /** A series descriptor: selector with equality matchers, then the value sequence. */
    static SeriesDef seriesDef(String file, int line, String s, long stepMs) {
        int split;
        int brace = s.indexOf('{');
        int space = indexOfSpace(s);
        if (brace >= 0 && (space < 0 || brace < space)) {
            split = closingBrace(s, brace) + 1;
        } else {
            split = space < 0 ? s.length() : space;
        }
        String sel = s.substring(0, split);
        String vals = s.substring(split).trim();
        Labels.Builder b = Labels.builder();
        for (Matcher m : Parser.parseMetricSelector(sel)) {
            if (m.type() != MatchType.EQUAL) {
                throw new IllegalArgumentException(file + ":" + line + ": only = matchers in series descriptors: " + s);
            }
            b.set(m.name(), m.value());
        }
        List<Long> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        long t = 0;
        for (String tok : vals.isEmpty() ? new String[0] : vals.split("[\\t ]+")) {
            if (tok.equals("_")) {
                t += stepMs;
                continue;
            }
            if (tok.startsWith("_x")) {
                t += stepMs * Long.parseLong(tok.substring(2));
                continue;
            }
            if (tok.equals("stale")) {
                ts.add(t);
                vs.add(STALE);
                t += stepMs;
                continue;
            }
            int x = tok.lastIndexOf('x');
            if (x > 0 && tok.substring(x + 1).matches("\\d+")) {
                long times = Long.parseLong(tok.substring(x + 1));
                String head = tok.substring(0, x);
                int op = Math.max(head.lastIndexOf('+'), head.lastIndexOf('-'));
                double start;
                double inc;
                if (op > 0 && head.charAt(op - 1) != 'e' && head.charAt(op - 1) != 'E') {
                    start = num(file, line, head.substring(0, op));
                    inc = num(file, line, head.substring(op + 1));
                    if (head.charAt(op) == '-') {
                        inc = -inc;
                    }
                } else {
                    start = num(file, line, head);
                    inc = 0;
                }
                double v = start;
                for (long k = 0; k <= times; k++) {
                    ts.add(t);
                    vs.add(v);
                    v += inc;
                    t += stepMs;
                }
                continue;
            }
            ts.add(t);
            vs.add(num(file, line, tok));
            t += stepMs;
        }
        long[] ta = new long[ts.size()];
        double[] va = new double[vs.size()];
        for (int i = 0; i < ta.length; i++) {
            ta[i] = ts.get(i);
            va[i] = vs.get(i);
        }
        return new SeriesDef(b.build(), ta, va);
    }

    private static double num(String file, int line, String s) {
        Double d = number(s);
        if (d == null) {
            throw new IllegalArgumentException(file + ":" + line + ": not a number: " + s);
        }
        return d;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static int closingBrace(String s, int open) {
        boolean inQuote = false;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inQuote) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inQuote = false;
                }
            } else if (c == '"') {
                inQuote = true;
            } else if (c == '}') {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed { in " + s);
    }
}
