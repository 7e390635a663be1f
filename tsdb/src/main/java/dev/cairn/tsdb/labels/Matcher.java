package dev.cairn.tsdb.labels;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A label matcher {@code name op "value"} with Prometheus's semantics: regular expressions are RE2
 * (re2j) and fully anchored; as in Prometheus 2.x, {@code .} does not match a newline (3.x changed
 * that); a missing label matches as the empty string.
 *
 * <p>Regexes are examined once at construction for fast paths that avoid the regex engine:
 * {@code .*}, {@code .+}, literals, alternations of literals ({@code a|b|c}) and literal prefixes
 * ({@code foo.*}). Immutable and thread-safe.
 */
public final class Matcher {
    private final MatchType type;
    private final String name;
    private final String value;
    private final Pattern pattern;
    private final RegexShortcut shortcut;

    private Matcher(MatchType type, String name, String value) {
        this.type = type;
        this.name = name;
        this.value = value;
        if (type == MatchType.REGEX || type == MatchType.NOT_REGEX) {
            try {
                // the bare value must parse on its own: "a)|(b" would compile inside the anchoring
                // group but Prometheus rejects it
                Pattern.compile(value);
                this.pattern = Pattern.compile("^(?:" + value + ")$");
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + Labels.quoted(value)
                        + " for label " + name + ": " + e.getDescription(), e);
            }
            this.shortcut = RegexShortcut.of(value);
        } else {
            this.pattern = null;
            this.shortcut = null;
        }
    }

    /** @throws IllegalArgumentException when a regex does not compile under RE2 syntax */
    public static Matcher of(MatchType type, String name, String value) {
        return new Matcher(type, name, value);
    }

    public static Matcher equal(String name, String value) {
        return new Matcher(MatchType.EQUAL, name, value);
    }

    public static Matcher regex(String name, String value) {
        return new Matcher(MatchType.REGEX, name, value);
    }

    public MatchType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    public boolean matches(String s) {
        return switch (type) {
            case EQUAL -> s.equals(value);
            case NOT_EQUAL -> !s.equals(value);
            case REGEX -> regexMatches(s);
            case NOT_REGEX -> !regexMatches(s);
        };
    }

    private boolean regexMatches(String s) {
        if (shortcut != null) {
            int r = shortcut.matches(s);
            if (r >= 0) {
                return r == 1;
            }
        }
        return pattern.matcher(s).matches();
    }

    /** True when the empty string (a missing label) matches. */
    public boolean matchesEmpty() {
        return matches("");
    }

    /**
     * For {@code =~} matchers that are an alternation of literals (or one literal), the exact set of
     * values they match, sorted; null when not that simple. Lets the index look up postings directly.
     */
    public java.util.List<String> setMatches() {
        if (type == MatchType.EQUAL) {
            return java.util.List.of(value);
        }
        if (type == MatchType.REGEX && shortcut != null) {
            return shortcut.literals();
        }
        return null;
    }

    /** For {@code =~ "prefix.*"}, the literal prefix; null otherwise. */
    public String literalPrefix() {
        return type == MatchType.REGEX && shortcut != null ? shortcut.prefix() : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
    }

    /** PromQL text: {@code name="value"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(type.op());
        Labels.appendQuoted(sb, value);
        return sb.toString();
    }
}
