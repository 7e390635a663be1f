package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of {@code promtool tsdb dump}: one line per sample, {@code LABELS VALUE TIMESTAMP_MS},
 * labels as Prometheus prints them ({@code {__name__="m", a="b"}}) and the value as Go's %g
 * (cmd/promtool/tsdb.go: {@code fmt.Printf("%s %g %d\n", lbs, val, ts)}). Renders series the same
 * way to compare text, and parses dump output back into series to compare meaning.
 */
public final class PromDump {
    private PromDump() {
    }

    /** The dump text promtool prints for {@code series} (given in label order). */
    public static String render(List<Samples> series) {
        StringBuilder sb = new StringBuilder();
        for (Samples s : series) {
            String lbs = goQuotePrivateUse(s.labels().toString());
            for (int i = 0; i < s.size(); i++) {
                sb.append(lbs).append(' ').append(GoFloat.format(s.v(i))).append(' ').append(s.t(i)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Go's strconv.Quote writes characters it deems unprintable as escapes; Labels.toString does not
     * know Go's tables. The one class our random labels use, private-use U+E000..U+F8FF, is fixed here.
     */
    private static String goQuotePrivateUse(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '\uE000' && c <= '\uF8FF') {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * Series of a dump, in the order they appear. Values parse through Java's double parser, so
     * NaN's payload (a stale marker) is lost; compare those by text.
     */
    public static List<Samples> parse(String dump) {
        Map<String, Samples> bySeries = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : dump.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int sp2 = line.lastIndexOf(' ');
            int sp1 = line.lastIndexOf(' ', sp2 - 1);
            if (sp1 <= 0 || !line.startsWith("{")) {
                throw new AssertionError("dump line " + lineNo + " is not LABELS VALUE TS: " + line);
            }
            String lbs = line.substring(0, sp1);
            double v = parseValue(line.substring(sp1 + 1, sp2));
            long t = Long.parseLong(line.substring(sp2 + 1));
            bySeries.computeIfAbsent(lbs, k -> new Samples(parseLabels(k))).add(t, v);
        }
        return new ArrayList<>(bySeries.values());
    }

    private static double parseValue(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Parses {@code {a="b", c="d\"e"}} with Go's escapes. */
    public static Labels parseLabels(String s) {
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new AssertionError("not a label set: " + s);
        }
        List<String> kv = new ArrayList<>();
        int i = 1;
        int end = s.length() - 1;
        while (i < end) {
            int eq = s.indexOf('=', i);
            kv.add(s.substring(i, eq));
            i = eq + 1;
            if (s.charAt(i) != '"') {
                throw new AssertionError("label value not quoted at " + i + ": " + s);
            }
            i++;
            StringBuilder v = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> v.append('\n');
                        case 't' -> v.append('\t');
                        case 'r' -> v.append('\r');
                        case 'a' -> v.append('\u0007');
                        case 'b' -> v.append('\b');
                        case 'f' -> v.append('\f');
                        case 'v' -> v.append('\u000b');
                        case 'x' -> {
                            v.append((char) Integer.parseInt(s.substring(i, i + 2), 16));
                            i += 2;
                        }
                        case 'u' -> {
                            v.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> v.append(e);
                    }
                } else {
                    v.append(c);
                }
            }
            i++;
            kv.add(v.toString());
            if (i < end) {
                if (!s.startsWith(", ", i)) {
                    throw new AssertionError("expected \", \" at " + i + ": " + s);
                }
                i += 2;
            }
        }
        return Labels.of(kv.toArray(new String[0]));
    }

    /**
     * Fails with the first differing line (and line counts) when two dumps differ; a readable
     * alternative to assertEquals on megabytes of text.
     */
    public static void assertSameDump(String expected, String actual) {
        if (expected.equals(actual)) {
            return;
        }
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        int n = Math.min(e.length, a.length);
        for (int i = 0; i < n; i++) {
            if (!e[i].equals(a[i])) {
                throw new AssertionError("dumps differ first at line " + (i + 1) + " (expected " + e.length
                        + " lines, got " + a.length + ")\nexpected: " + e[i] + "\nactual:   " + a[i]);
            }
        }
        throw new AssertionError("dumps differ in length: expected " + e.length + " lines, got " + a.length
                + "; first extra line: " + (e.length > n ? e[n] : a[n]));
    }
}
