package dev.cairn.appliance.promql.parser;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The regex checks Prometheus 2.42 makes when it builds a {@code =~}/{@code !~} matcher
 * (model/labels/regexp.go): the anchored form {@code ^(?:v)$} must compile, and {@code v} must
 * parse on its own too, so {@code "a)|(b"} is rejected although its anchored form is valid.
 * Messages are Go's; re2j words them the same except for a stray {@code )}, where it reports an
 * internal "stack underflow" that Go reports as "unexpected )".
 */
final class RegexSyntax {
    private RegexSyntax() {}

    /** Go's error message for an invalid matcher regex, or null when Prometheus accepts it. */
    static String error(String v) {
        String anchored = "^(?:" + v + ")$";
        String err = compileError(anchored);
        return err != null ? err : compileError(v);
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
