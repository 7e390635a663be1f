package dev.cairn.appliance.promql.parser;

/**
 * The binary operators with Prometheus's precedence (higher binds tighter) and associativity:
 * {@code or} &lt; {@code and unless} &lt; comparisons &lt; {@code + -} &lt; {@code * / % atan2} &lt;
 * {@code ^} (right-associative). Unary {@code +}/{@code -} use {@link #ADD}/{@link #SUB}.
 */
public enum BinaryOp {
    LOR("or", 1),
    LAND("and", 2),
    LUNLESS("unless", 2),
    EQLC("==", 3),
    NEQ("!=", 3),
    GTR(">", 3),
    LSS("<", 3),
    GTE(">=", 3),
    LTE("<=", 3),
    ADD("+", 4),
    SUB("-", 4),
    MUL("*", 5),
    DIV("/", 5),
    MOD("%", 5),
    ATAN2("atan2", 5),
    POW("^", 6);

    private final String text;
    private final int precedence;

    BinaryOp(String text, int precedence) {
        this.text = text;
        this.precedence = precedence;
    }

    public String text() {
        return text;
    }

    public int precedence() {
        return precedence;
    }

    public boolean rightAssociative() {
        return this == POW;
    }

    public boolean isComparison() {
        return precedence == 3;
    }

    public boolean isSetOperator() {
        return this == LAND || this == LOR || this == LUNLESS;
    }

    static BinaryOp of(ItemType t) {
        return switch (t) {
            case LOR -> LOR;
            case LAND -> LAND;
            case LUNLESS -> LUNLESS;
            case EQLC -> EQLC;
            case NEQ -> NEQ;
            case GTR -> GTR;
            case LSS -> LSS;
            case GTE -> GTE;
            case LTE -> LTE;
            case ADD -> ADD;
            case SUB -> SUB;
            case MUL -> MUL;
            case DIV -> DIV;
            case MOD -> MOD;
            case ATAN2 -> ATAN2;
            case POW -> POW;
            default -> null;
        };
    }
}
