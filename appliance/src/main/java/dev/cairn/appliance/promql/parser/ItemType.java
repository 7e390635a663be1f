package dev.cairn.appliance.promql.parser;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The token kinds of PromQL, as Prometheus's lexer (promql/parser/lex.go) defines them. The kind
 * decides how a token is named in error messages ({@code <op:*>}, {@code <aggr:sum>}, {@code <by>},
 * {@code identifier "foo"}), so the groups below follow Prometheus's grouping exactly.
 */
enum ItemType {
    EOF(Group.OTHER, null),
    ERROR(Group.OTHER, null),
    COMMENT(Group.OTHER, null),
    IDENTIFIER(Group.OTHER, null),
    METRIC_IDENTIFIER(Group.OTHER, null),
    NUMBER(Group.OTHER, null),
    STRING(Group.OTHER, null),
    DURATION(Group.OTHER, null),

    LEFT_PAREN(Group.PUNCT, "("),
    RIGHT_PAREN(Group.PUNCT, ")"),
    LEFT_BRACE(Group.PUNCT, "{"),
    RIGHT_BRACE(Group.PUNCT, "}"),
    LEFT_BRACKET(Group.PUNCT, "["),
    RIGHT_BRACKET(Group.PUNCT, "]"),
    COMMA(Group.PUNCT, ","),
    EQL(Group.PUNCT, "="),
    COLON(Group.PUNCT, ":"),

    // Operators (Prometheus counts '@' and atan2 among them).
    ADD(Group.OPERATOR, "+"),
    SUB(Group.OPERATOR, "-"),
    MUL(Group.OPERATOR, "*"),
    DIV(Group.OPERATOR, "/"),
    MOD(Group.OPERATOR, "%"),
    POW(Group.OPERATOR, "^"),
    EQLC(Group.OPERATOR, "=="),
    NEQ(Group.OPERATOR, "!="),
    LTE(Group.OPERATOR, "<="),
    LSS(Group.OPERATOR, "<"),
    GTE(Group.OPERATOR, ">="),
    GTR(Group.OPERATOR, ">"),
    EQL_REGEX(Group.OPERATOR, "=~"),
    NEQ_REGEX(Group.OPERATOR, "!~"),
    LAND(Group.OPERATOR, "and"),
    LOR(Group.OPERATOR, "or"),
    LUNLESS(Group.OPERATOR, "unless"),
    ATAN2(Group.OPERATOR, "atan2"),
    AT(Group.OPERATOR, "@"),

    AVG(Group.AGGREGATOR, "avg"),
    BOTTOMK(Group.AGGREGATOR, "bottomk"),
    COUNT(Group.AGGREGATOR, "count"),
    COUNT_VALUES(Group.AGGREGATOR, "count_values"),
    GROUP(Group.AGGREGATOR, "group"),
    MAX(Group.AGGREGATOR, "max"),
    MIN(Group.AGGREGATOR, "min"),
    QUANTILE(Group.AGGREGATOR, "quantile"),
    STDDEV(Group.AGGREGATOR, "stddev"),
    STDVAR(Group.AGGREGATOR, "stdvar"),
    SUM(Group.AGGREGATOR, "sum"),
    TOPK(Group.AGGREGATOR, "topk"),

    BOOL(Group.KEYWORD, "bool"),
    BY(Group.KEYWORD, "by"),
    GROUP_LEFT(Group.KEYWORD, "group_left"),
    GROUP_RIGHT(Group.KEYWORD, "group_right"),
    IGNORING(Group.KEYWORD, "ignoring"),
    OFFSET(Group.KEYWORD, "offset"),
    ON(Group.KEYWORD, "on"),
    WITHOUT(Group.KEYWORD, "without"),

    // "Preprocessors": named like punctuation in messages ("start"), not like keywords.
    START(Group.PREPROCESSOR, "start"),
    END(Group.PREPROCESSOR, "end");

    enum Group { OTHER, PUNCT, OPERATOR, AGGREGATOR, KEYWORD, PREPROCESSOR }

    private static final Map<String, ItemType> WORDS = new HashMap<>();

    static {
        for (ItemType t : values()) {
            if (t.text != null && Character.isLetter(t.text.charAt(0))) {
                WORDS.put(t.text, t);
            }
        }
    }

    final Group group;
    /** The canonical text; null for kinds whose text varies (identifiers, numbers...). */
    final String text;

    ItemType(Group group, String text) {
        this.group = group;
        this.text = text;
    }

    /**
     * The keyword, operator or aggregator a word stands for, compared case-insensitively as
     * Prometheus does; {@code inf} and {@code nan} are numbers. Null for plain identifiers.
     */
    static ItemType keyword(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (lower.equals("inf") || lower.equals("nan")) {
            return NUMBER;
        }
        return WORDS.get(lower);
    }

    boolean isAggregator() {
        return group == Group.AGGREGATOR;
    }

    /** How an error message names a token of a kind whose text varies. */
    String desc() {
        return switch (this) {
            case ERROR -> "error";
            case EOF -> "end of input";
            case COMMENT -> "comment";
            case IDENTIFIER -> "identifier";
            case METRIC_IDENTIFIER -> "metric identifier";
            case STRING -> "string";
            case NUMBER -> "number";
            case DURATION -> "duration";
            default -> GoText.quote(text);
        };
    }
}
