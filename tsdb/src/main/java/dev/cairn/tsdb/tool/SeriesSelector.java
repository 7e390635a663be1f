package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a PromQL series selector, as {@code promtool tsdb dump --match} takes it:
 * {@code metric}, {@code metric{a="b", c=~"d"}}, {@code {__name__=~"x"}}. Strings may be
 * double-quoted or single-quoted with Go's escapes ({@code \n}, {@code \"}, {@code \x41},
 * {@code \101}, {@code \u00e9}, {@code \U0001F600}, ...) or back-quoted raw; a trailing comma and
 * whitespace between tokens are allowed. As promtool's {@code parser.ParseMetricSelector} (which
 * skips PromQL's AST checks), {@code {}} is valid and selects nothing, a selector whose matchers
 * all match the empty string is allowed, and a name outside and inside the braces gives two matchers.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message names the column and what was
 * expected: {@code bad series selector "up{a=b}" at column 6: expected a quoted string}.
 * Unlike PromQL, a metric name that is a PromQL keyword ({@code sum}) is taken as a name.
 */
public final class SeriesSelector {
    private final String text;
    private int pos;

    private SeriesSelector(String text) {
        this.text = text;
    }

    /** The matchers of {@code selector}; a name outside the braces becomes {@code __name__="name"}. */
    public static List<Matcher> parse(String selector) {
        return new SeriesSelector(selector).selector();
    }

    private List<Matcher> selector() {
        List<Matcher> out = new ArrayList<>();
        skipSpace();
        String name = null;
        if (pos < text.length() && isNameStart(text.charAt(pos))) {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            name = text.substring(start, pos);
            skipSpace();
        }
        if (pos < text.length() && text.charAt(pos) == '{') {
            pos++;
            matchers(out);
        } else if (name == null) {
            throw error(pos >= text.length() ? "empty selector; expected a metric name or '{'"
                    : "expected a metric name or '{'");
        }
        skipSpace();
        if (pos < text.length()) {
            throw error("unexpected " + describe(text.charAt(pos)) + " after the selector");
        }
        if (name != null) {
            out.add(0, Matcher.equal(Labels.METRIC_NAME, name));
        }
        return out;
    }

    /** After '{': {@code name op "value"} separated by commas, optional trailing comma, then '}'. */
    private void matchers(List<Matcher> out) {
        while (true) {
            skipSpace();
            if (pos >= text.length()) {
                throw error("unterminated label matchers; expected '}'");
            }
            if (text.charAt(pos) == '}') {
                pos++;
                return;
            }
            if (!isLabelStart(text.charAt(pos))) {
                throw error("expected a label name or '}', found " + describe(text.charAt(pos)));
            }
            int start = pos;
            while (pos < text.length() && isLabelChar(text.charAt(pos))) {
                pos++;
            }
            String label = text.substring(start, pos);
            skipSpace();
            MatchType op = operator(label);
            skipSpace();
            int valueAt = pos;
            String value = string();
            try {
                out.add(Matcher.of(op, label, value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad series selector " + GoText.quote(text) + " at column "
                        + (valueAt + 1) + ": " + e.getMessage(), e);
            }
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < text.length() && text.charAt(pos) != '}') {
                throw error("expected ',' or '}' after the value of " + label + ", found " + describe(text.charAt(pos)));
            }
        }
    }

    private MatchType operator(String label) {
        if (text.startsWith("=~", pos)) {
            pos += 2;
            return MatchType.REGEX;
        }
        if (text.startsWith("!~", pos)) {
            pos += 2;
            return MatchType.NOT_REGEX;
        }
        if (text.startsWith("!=", pos)) {
            pos += 2;
            return MatchType.NOT_EQUAL;
        }
        if (text.startsWith("=", pos)) {
            pos++;
            return MatchType.EQUAL;
        }
        throw error("expected one of =, !=, =~, !~ after label " + label);
    }

    /** A quoted string with Go's escapes, or a raw back-quoted one. */
    private String string() {
        if (pos >= text.length()) {
            throw error("expected a quoted string");
        }
        char q = text.charAt(pos);
        if (q != '"' && q != '\'' && q != '`') {
            throw error("expected a quoted string (\"...\", '...' or `...`), found " + describe(q));
        }
        int open = pos++;
        if (q == '`') {
            int end = text.indexOf('`', pos);
            if (end < 0) {
                pos = open;
                throw error("unterminated raw string");
            }
            String s = text.substring(pos, end);
            pos = end + 1;
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder chars = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                pos = open;
                throw error("unterminated quoted string");
            }
            char c = text.charAt(pos);
            if (c == q) {
                pos++;
                flush(chars, bytes);
                return bytes.toString(StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                chars.append(c);
                pos++;
                continue;
            }
            int escAt = pos;
            pos++;
            if (pos >= text.length()) {
                pos = open;
                throw error("unterminated quoted string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'a' -> chars.append('\u0007');
                case 'b' -> chars.append('\b');
                case 'f' -> chars.append('\f');
                case 'n' -> chars.append('\n');
                case 'r' -> chars.append('\r');
                case 't' -> chars.append('\t');
                case 'v' -> chars.append('\u000b');
                case '\\' -> chars.append('\\');
                case 'x' -> {
                    flush(chars, bytes);
                    bytes.write(digits(escAt, 2, 16));
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    pos--;
                    int v = digits(escAt, 3, 8);
                    if (v > 255) {
                        throw error(escAt, "octal escape value " + v + " > 255");
                    }
                    flush(chars, bytes);
                    bytes.write(v);
                }
                case 'u', 'U' -> {
                    int v = digits(escAt, e == 'u' ? 4 : 8, 16);
                    if (v > 0x10FFFF || v >= 0xD800 && v < 0xE000) {
                        throw error(escAt, "escape sequence is an invalid Unicode code point");
                    }
                    chars.appendCodePoint(v);
                }
                default -> {
                    if (e == q) {
                        chars.append(e);
                    } else {
                        throw error(escAt, "unknown escape sequence \\" + e);
                    }
                }
            }
        }
    }

    private static void flush(StringBuilder chars, ByteArrayOutputStream bytes) {
        if (chars.length() > 0) {
            bytes.writeBytes(chars.toString().getBytes(StandardCharsets.UTF_8));
            chars.setLength(0);
        }
    }

    private int digits(int escAt, int n, int radix) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int d = pos < text.length() ? Character.digit(text.charAt(pos), radix) : -1;
            if (d < 0) {
                throw error(escAt, "escape sequence needs " + n + (radix == 8 ? " octal" : " hex") + " digits");
            }
            v = v * radix + d;
            pos++;
        }
        return v;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isNameStart(char c) {
        return isLabelStart(c) || c == ':';
    }

    private static boolean isNameChar(char c) {
        return isLabelChar(c) || c == ':';
    }

    private static boolean isLabelStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isLabelChar(char c) {
        return isLabelStart(c) || c >= '0' && c <= '9';
    }

    private static String describe(char c) {
        return c > 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private IllegalArgumentException error(String what) {
        return error(pos, what);
    }

    private IllegalArgumentException error(int at, String what) {
        return new IllegalArgumentException("bad series selector " + GoText.quote(text) + " at column " + (at + 1) + ": " + what);
    }
}
