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
        String err = compileError(anchored);
        if (err == null) {
            err = compileError(v);
        }
        if (err == null && hasAngleNamedGroup(v)) {
            err = "error parsing regexp: invalid or unsupported Perl syntax: `(?<`";
        }
        return err;
    }

    /** Whether {@code (?<} occurs outside character classes and escapes. */
    private static boolean hasAngleNamedGroup(String v) {
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
                return true;
            }
        }
        return false;
    }

    private static String compileError(String pattern) {
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            if (e.getDescription().startsWith("regexp/syntax: internal error")) {
                return "error parsing regexp: unexpected ): `" + pattern + "`";
            }
            return e.getMessage();
        }
    }
}
