package dev.cairn.tsdb.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a regex is when it is simpler than a regex: everything ({@code .*}), anything non-empty
 * ({@code .+}), a set of literals ({@code a|b}), or a literal prefix ({@code abc.*}). Only regexes
 * made of characters without regex meaning qualify, so the shortcut is exact, never approximate.
 */
final class RegexShortcut {
    private enum Kind { ANY, NON_EMPTY, LITERALS, PREFIX }

    private final Kind kind;
    private final List<String> literals;
    private final String prefix;

    private RegexShortcut(Kind kind, List<String> literals, String prefix) {
        this.kind = kind;
        this.literals = literals;
        this.prefix = prefix;
    }

    /** The shortcut for a regex, or null when it has to run through the regex engine. */
    static RegexShortcut of(String re) {
        if (re.equals(".*")) {
            return new RegexShortcut(Kind.ANY, null, null);
        }
        if (re.equals(".+")) {
            return new RegexShortcut(Kind.NON_EMPTY, null, null);
        }
        if (re.endsWith(".*") && isLiteral(re.substring(0, re.length() - 2))) {
            return new RegexShortcut(Kind.PREFIX, null, re.substring(0, re.length() - 2));
        }
        String body = re;
        if (body.startsWith("(") && body.endsWith(")") && body.indexOf('(', 1) < 0 && body.indexOf(')') == body.length() - 1) {
            body = body.substring(1, body.length() - 1);
        }
        TreeSet<String> set = new TreeSet<>();
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            if (i == body.length() || body.charAt(i) == '|') {
                String lit = body.substring(start, i);
                if (!isLiteral(lit)) {
                    return null;
                }
                set.add(lit);
                start = i + 1;
            }
        }
        return new RegexShortcut(Kind.LITERALS, List.copyOf(new ArrayList<>(set)), null);
    }

    private static boolean isLiteral(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** 1 match, 0 no match, -1 undecided (use the regex). */
    int matches(String s) {
        return switch (kind) {
            // '.' does not match '\n' in Prometheus 2.x; such rare values go to the regex engine
            case ANY -> s.indexOf('\n') < 0 ? 1 : -1;
            case NON_EMPTY -> s.isEmpty() ? 0 : s.indexOf('\n') < 0 ? 1 : -1;
            case PREFIX -> !s.startsWith(prefix) ? 0 : s.indexOf('\n', prefix.length()) < 0 ? 1 : -1;
            case LITERALS -> java.util.Collections.binarySearch(literals, s) >= 0 ? 1 : 0;
        };
    }

    List<String> literals() {
        return kind == Kind.LITERALS ? literals : null;
    }

    String prefix() {
        return kind == Kind.PREFIX ? prefix : null;
    }
}
