package dev.cairn.appliance.promql.parser;

import java.nio.charset.StandardCharsets;

/**
 * One token: its kind, its start as a byte offset into the UTF-8 query (Prometheus counts bytes,
 * so columns in error messages do too), and its text.
 */
record Item(ItemType type, int pos, String val) {

    /** Byte offset just past the token. */
    int end() {
        return pos + val.getBytes(StandardCharsets.UTF_8).length;
    }

    PositionRange range() {
        return new PositionRange(pos, end());
    }

    /** How Prometheus names this token after "unexpected " in a syntax error. */
    String desc() {
        if (type == ItemType.AT) {
            // Prometheus forgot '@' in its token-name table, so it names the token by its yacc
            // number: 57385 in 2.42's grammar (2.53 added histogram tokens before it: 57398).
            return "\"<Item 57385>\" " + this;
        }
        if (type.text != null) {
            return toString();
        }
        if (type == ItemType.EOF) {
            return type.desc();
        }
        return type.desc() + " " + this;
    }

    @Override
    public String toString() {
        return switch (type.group) {
            case KEYWORD -> "<" + val + ">";
            case OPERATOR -> "<op:" + val + ">";
            case AGGREGATOR -> "<aggr:" + val + ">";
            default -> switch (type) {
                case EOF -> "EOF";
                case ERROR -> val;
                case IDENTIFIER, METRIC_IDENTIFIER -> GoText.quote(val);
                default -> val.getBytes(StandardCharsets.UTF_8).length > 10
                        ? GoText.quote(GoText.firstRunes(val, 10)) + "..."
                        : GoText.quote(val);
            };
        };
    }
}
