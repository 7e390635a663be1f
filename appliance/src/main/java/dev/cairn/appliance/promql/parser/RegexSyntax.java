package dev.cairn.appliance.promql.parser;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regex checks Prometheus 2.42 makes when it builds a {@code =~}/{@code !~} matcher
 * (model/labels/regexp.go): the anchored form {@code ^(?:v)$} must compile, and {@code v} must
 * parse on its own too, so {@code "a)|(b"} is rejected although its anchored form is valid.
 * Messages are Go's; re2j words them the same except for a stray {@code )}, where it reports an
 * internal "stack underflow" that Go reports as "unexpected )", and it accepts {@code (?<name>...)},
 * which the Go of Prometheus 2.42 rejects.
 *
 * <p>Known difference left to the matcher: Go reads a {@code {} that starts no valid repeat as a
 * literal, so it accepts {@code a{+}; re2j rejects it.
 */
final class RegexSyntax {
    private RegexSyntax() {}

    /** Go's error message for an invalid matcher regex, or null when Prometheus accepts it. */
    static String error(String v) {
        String anchored = "^(?:" + v + ")$";
        int angle = angleNamedGroup(v);
        if (angle >= 0) {
            // Go stops at "(?<" unless an error that it detects on the spot comes earlier.
            String earlier = compileError("^(?:" + v.substring(0, angle), anchored);
            return earlier != null ? earlier : "error parsing regexp: invalid or unsupported Perl syntax: `(?<`";
        }
        String err = compileError(anchored, anchored);
        return err != null ? err : compileError(v, v);
    }

    /**
     * re2j's error for {@code pattern} in Go's words, ignoring "missing closing" errors when
     * {@code pattern} is only a prefix of {@code whole}; {@code whole} is what Go names in messages
     * about the whole expression.
     */
    private static String compileError(String pattern, String whole) {
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            String d = e.getDescription();
            if (d.startsWith("regexp/syntax: internal error")) {
                return "error parsing regexp: unexpected ): `" + whole + "`";
            }
            if (!pattern.equals(whole) && d.startsWith("missing closing")) {
                return null;
            }
            return e.getMessage();
        }
    }

    /** Where {@code (?<} first occurs outside character classes and escapes, or -1. */
    private static int angleNamedGroup(String v) {
        boolean inClass = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                if (c == '[' && i + 1 < v.length() && v.charAt(i + 1) == ':') {
                    int close = v.indexOf(":]", i + 2);
                    if (close > 0) {
                        i = close + 1;
                    }
                } else if (c == ']') {
                    inClass = false;
                }
            } else if (c == '[') {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal member, not the end.
                if (i + 1 < v.length() && v.charAt(i + 1) == '^') {
                    i++;
                }
                if (i + 1 < v.length() && v.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(' && v.startsWith("?<", i + 1)) {
                return i;
            }
        }
        return -1;
    }
}
