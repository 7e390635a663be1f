package dev.cairn.appliance.promql.parser;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses PromQL as Prometheus 2.x does, with its precedence, its type checks and its error messages.
 *
 * <p>Prometheus parses with a yacc (LALR) grammar; this is a recursive-descent parser with
 * precedence climbing for binary operators. The two agree on the language, and this class also
 * reproduces which message the LALR parser gives for a wrong token. That message depends on the
 * innermost grammar state that has an {@code error} alternative: after {@code offset} it is
 * "in offset, expected duration", inside braces "in label matching, ...", inside an aggregation's
 * modifiers or arguments "in aggregation", and otherwise a bare "unexpected X". Each place that
 * reads a token passes the context the grammar would give; {@link #aggregationDepth} stands for
 * the one state that stays on the LALR stack while nested expressions are parsed.
 *
 * <p>Like Prometheus, parsing stops at the first problem: syntax errors and the semantic errors
 * the grammar actions raise (unknown function, bad duration, offset twice, ...) in input order,
 * then, only for a syntactically valid query, the type checks of {@link TypeChecker}.
 */
public final class Parser {
    private static final String AGGREGATION = "aggregation";

    private final String query;
    private final Lexer lexer;
    private final byte[] bytes;
    private Item peeked;
    /** End of the last closing token read ({@code ) } ]}, duration, number), as Prometheus's lastClosing. */
    private int lastClosing;
    private int aggregationDepth;

    private Parser(String query) {
        this.query = query;
        this.lexer = new Lexer(query);
        this.bytes = lexer.bytes();
    }

    /**
     * Parses and type-checks one PromQL expression.
     *
     * @throws ParseException with Prometheus's message for the first problem found
     */
    public static Expr parse(String query) {
        try {
            return parseAndCheck(query);
        } catch (StackOverflowError e) {
            return DeepStack.call(() -> parseAndCheck(query));
        }
    }

    private static Expr parseAndCheck(String query) {
        Parser p = new Parser(query);
        Expr raw = p.parseStart();
        return new TypeChecker(query, p.bytes).check(raw);
    }

    /**
     * Parses a series selector as the HTTP API's {@code match[]} parameters take it
     * ({@code foo{a="b"}}, {@code {__name__=~"x.*"}}): no modifiers, and, as in Prometheus, no
     * type checks (the caller decides whether an all-empty selector is acceptable).
     *
     * @return the matchers, the one for the metric name last
     * @throws ParseException with Prometheus's message
     */
    public static List<Matcher> parseMetricSelector(String selector) {
        Parser p = new Parser(selector);
        Item tok = p.peek();
        VectorSelector vs;
        switch (tok.type()) {
            case LEFT_BRACE -> vs = p.parseSelector(null);
            case IDENTIFIER, METRIC_IDENTIFIER, BY, WITHOUT, LAND, LOR, LUNLESS, OFFSET, START, END -> {
                p.next();
                vs = p.parseSelector(tok);
            }
            default -> {
                if (!tok.type().isAggregator()) {
                    throw p.unexpected(tok);
                }
                p.next();
                vs = p.parseSelector(tok);
            }
        }
        Item end = p.peek();
        if (end.type() != ItemType.EOF) {
            throw p.unexpected(end);
        }
        return vs.matchers();
    }

    // ---- tokens

    private Item peek() {
        if (peeked == null) {
            Item it;
            do {
                it = lexer.next();
            } while (it.type() == ItemType.COMMENT);
            switch (it.type()) {
                case ERROR -> throw new ParseException(query, new PositionRange(it.pos(), bytes.length), it.val());
                case RIGHT_BRACE, RIGHT_PAREN, RIGHT_BRACKET, DURATION, NUMBER -> lastClosing = it.end();
                default -> { }
            }
            peeked = it;
        }
        return peeked;
    }

    private Item next() {
        Item it = peek();
        peeked = null;
        return it;
    }

    private ParseException fail(PositionRange at, String detail) {
        return new ParseException(query, at, detail);
    }

    /** A syntax error at {@code tok}, worded as the LALR parser's error rule for that state. */
    private ParseException unexpected(Item tok, String context, String expected) {
        StringBuilder sb = new StringBuilder("unexpected ").append(tok.desc());
        if (!context.isEmpty()) {
            sb.append(" in ").append(context);
        }
        if (!expected.isEmpty()) {
            sb.append(", expected ").append(expected);
        }
        return fail(tok.range(), sb.toString());
    }

    /** A syntax error where the grammar state itself has no error rule: the enclosing one words it. */
    private ParseException unexpected(Item tok) {
        return unexpected(tok, aggregationDepth > 0 ? AGGREGATION : "", "");
    }

    // ---- grammar

    private Expr parseStart() {
        if (peek().type() == ItemType.EOF) {
            throw fail(PositionRange.NONE, "no expression found in input");
        }
        Expr e = parseExpr(0);
        Item tok = peek();
        if (tok.type() != ItemType.EOF) {
            throw unexpected(tok);
        }
        return e;
    }

    /** Precedence climbing: operands and every binary operator binding at least {@code minPrec}. */
    private Expr parseExpr(int minPrec) {
        Expr lhs = parseUnary();
        while (true) {
            BinaryOp op = BinaryOp.of(peek().type());
            if (op == null || op.precedence() < minPrec) {
                return lhs;
            }
            next();
            RawModifiers mods = parseBinaryModifiers();
            Expr rhs = parseExpr(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
            lhs = new BinaryExpr(op, lhs, rhs, mods.matching, mods.returnBool);
        }
    }

    /**
     * A unary sign binds like {@code *}: it takes a {@code ^} chain ({@code -2^2} is {@code -(2^2)})
     * but not a product ({@code -a*b} is {@code (-a)*b}). On a number it folds into the literal.
     */
    private Expr parseUnary() {
        Item tok = peek();
        if (tok.type() == ItemType.ADD || tok.type() == ItemType.SUB) {
            next();
            Expr operand = parseExpr(BinaryOp.POW.precedence());
            BinaryOp op = tok.type() == ItemType.SUB ? BinaryOp.SUB : BinaryOp.ADD;
            if (operand instanceof NumberLiteral n) {
                double v = op == BinaryOp.SUB ? -n.value() : n.value();
                return new NumberLiteral(v, new PositionRange(tok.pos(), n.positionRange().end()));
            }
            return new UnaryExpr(op, operand, tok.pos());
        }
        return parsePostfix(parsePrimary());
    }

    /** Range, subquery, offset and @ bind tighter than any operator and may follow each other. */
    private Expr parsePostfix(Expr e) {
        while (true) {
            Item tok = peek();
            switch (tok.type()) {
                case LEFT_BRACKET -> e = parseRangeOrSubquery(e);
                case OFFSET -> e = parseOffset(e);
                case AT -> e = parseAt(e);
                default -> {
                    return e;
                }
            }
        }
    }

    private Expr parsePrimary() {
        Item tok = peek();
        switch (tok.type()) {
            case NUMBER -> {
                next();
                return new NumberLiteral(number(tok), tok.range());
            }
            case STRING -> {
                next();
                return new StringLiteral(unquote(tok), tok.range());
            }
            case LEFT_PAREN -> {
                next();
                Expr inner = parseExpr(0);
                Item close = peek();
                if (close.type() != ItemType.RIGHT_PAREN) {
                    throw unexpected(close);
                }
                next();
                return new ParenExpr(inner, new PositionRange(tok.pos(), close.end()));
            }
            case LEFT_BRACE -> {
                return parseSelector(null);
            }
            case IDENTIFIER -> {
                next();
                if (peek().type() == ItemType.LEFT_PAREN) {
                    return parseCall(tok);
                }
                return parseSelector(tok);
            }
            case METRIC_IDENTIFIER, BY, WITHOUT, LAND, LOR, LUNLESS, OFFSET, START, END -> {
                next();
                return parseSelector(tok);
            }
            default -> {
                if (tok.type().isAggregator()) {
                    next();
                    ItemType after = peek().type();
                    if (after == ItemType.LEFT_PAREN || after == ItemType.BY || after == ItemType.WITHOUT) {
                        return parseAggregate(tok);
                    }
                    // Not followed by '(' or a modifier: the word is a metric name ("sum + 1").
                    return parseSelector(tok);
                }
                throw unexpected(tok);
            }
        }
    }

    // ---- selectors

    /** {@code name}, {@code name{...}} or {@code {...}}; {@code name} is null for the last. */
    private VectorSelector parseSelector(Item name) {
        List<Matcher> matchers = new ArrayList<>();
        int start = name != null ? name.pos() : peek().pos();
        int end = name != null ? name.end() : start;
        if (peek().type() == ItemType.LEFT_BRACE) {
            next();
            end = parseMatchers(matchers);
        }
        String metric = name != null ? name.val() : "";
        if (name != null) {
            matchers.add(Matcher.equal(Labels.METRIC_NAME, metric));
        }
        return new VectorSelector(metric, matchers, 0, AtModifier.NONE, new PositionRange(start, end));
    }

    /** After '{': matchers up to and including '}'; returns the end of the '}'. */
    private int parseMatchers(List<Matcher> out) {
        Item tok = peek();
        if (tok.type() == ItemType.RIGHT_BRACE) {
            next();
            return tok.end();
        }
        while (true) {
            out.add(parseMatcher());
            tok = peek();
            if (tok.type() == ItemType.COMMA) {
                next();
                Item after = peek();
                if (after.type() == ItemType.RIGHT_BRACE) {
                    next();
                    return after.end();
                }
            } else if (tok.type() == ItemType.RIGHT_BRACE) {
                next();
                return tok.end();
            } else {
                throw unexpected(tok, "label matching", "\",\" or \"}\"");
            }
        }
    }

    private Matcher parseMatcher() {
        Item label = peek();
        if (label.type() != ItemType.IDENTIFIER) {
            throw unexpected(label, "label matching", "identifier or \"}\"");
        }
        next();
        Item op = peek();
        MatchType type = switch (op.type()) {
            case EQL -> MatchType.EQUAL;
            case NEQ -> MatchType.NOT_EQUAL;
            case EQL_REGEX -> MatchType.REGEX;
            case NEQ_REGEX -> MatchType.NOT_REGEX;
            default -> throw unexpected(op, "label matching", "label matching operator");
        };
        next();
        Item value = peek();
        if (value.type() != ItemType.STRING) {
            throw unexpected(value, "label matching", "string");
        }
        next();
        String v = unquote(value);
        if (type == MatchType.REGEX || type == MatchType.NOT_REGEX) {
            String err = RegexSyntax.error(v);
            if (err != null) {
                throw fail(new PositionRange(label.pos(), value.end()), err);
            }
        }
        try {
            return Matcher.of(type, label.val(), v);
        } catch (IllegalArgumentException e) {
            // RegexSyntax has already rejected what Prometheus rejects; this is a last resort.
            String msg = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw fail(new PositionRange(label.pos(), value.end()), msg);
        }
    }

    /** After an expression, at '[': {@code [range]} or {@code [range:step]} / {@code [range:]}. */
    private Expr parseRangeOrSubquery(Expr e) {
        Item open = next();
        Item tok = peek();
        if (tok.type() != ItemType.DURATION) {
            throw unexpected(tok, "subquery selector", "duration");
        }
        next();
        long range = duration(tok);
        tok = peek();
        if (tok.type() == ItemType.RIGHT_BRACKET) {
            next();
            String err = null;
            if (!(e instanceof VectorSelector vs)) {
                err = "ranges only allowed for vector selectors";
            } else if (vs.offsetMs() != 0) {
                err = "no offset modifiers allowed before range";
            } else if (vs.at().kind() == AtModifier.Kind.TIMESTAMP) {
                // Prometheus checks only for a timestamp: "foo @ end()[5m]" is accepted.
                err = "no @ modifiers allowed before range";
            }
            if (err != null) {
                throw fail(new PositionRange(open.pos(), tok.end()), err);
            }
            return new MatrixSelector((VectorSelector) e, range, lastClosing);
        }
        if (tok.type() != ItemType.COLON) {
            throw unexpected(tok, "subquery or range", "\":\" or \"]\"");
        }
        next();
        long step = 0;
        tok = peek();
        if (tok.type() == ItemType.DURATION) {
            next();
            step = duration(tok);
            tok = peek();
            if (tok.type() != ItemType.RIGHT_BRACKET) {
                throw unexpected(tok, "subquery selector", "\"]\"");
            }
        } else if (tok.type() != ItemType.RIGHT_BRACKET) {
            throw unexpected(tok, "subquery selector", "duration or \"]\"");
        }
        next();
        return new SubqueryExpr(e, range, step, 0, AtModifier.NONE, tok.pos() + 1);
    }

    /** After an expression, at 'offset': {@code offset 5m} or {@code offset -5m}. */
    private Expr parseOffset(Expr e) {
        next();
        Item tok = peek();
        boolean negative = false;
        if (tok.type() == ItemType.SUB) {
            next();
            negative = true;
            tok = peek();
        }
        if (tok.type() != ItemType.DURATION) {
            throw unexpected(tok, "offset", "duration");
        }
        next();
        long d = duration(tok);
        long offset = negative ? -d : d;
        if (e instanceof VectorSelector vs) {
            checkOffsetOnce(e, vs.offsetMs());
            return vs.withOffset(offset, lastClosing);
        }
        if (e instanceof MatrixSelector ms) {
            checkOffsetOnce(e, ms.selector().offsetMs());
            return new MatrixSelector(ms.selector().withOffset(offset, ms.selector().positionRange().end()),
                    ms.rangeMs(), lastClosing);
        }
        if (e instanceof SubqueryExpr sq) {
            checkOffsetOnce(e, sq.offsetMs());
            return sq.withOffset(offset, lastClosing);
        }
        throw fail(e.positionRange(),
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void checkOffsetOnce(Expr e, long existing) {
        if (existing != 0) {
            throw fail(e.positionRange(), "offset may not be set multiple times");
        }
    }

    /** After an expression, at '@': a Unix time in seconds, {@code start()} or {@code end()}. */
    private Expr parseAt(Expr e) {
        next();
        Item tok = peek();
        AtModifier at;
        if (tok.type() == ItemType.START || tok.type() == ItemType.END) {
            next();
            Item open = peek();
            if (open.type() != ItemType.LEFT_PAREN) {
                throw unexpected(open, "@", "timestamp");
            }
            next();
            Item close = peek();
            if (close.type() != ItemType.RIGHT_PAREN) {
                throw unexpected(close, "@", "timestamp");
            }
            next();
            at = tok.type() == ItemType.START ? AtModifier.START : AtModifier.END;
        } else {
            boolean negative = false;
            if (tok.type() == ItemType.ADD || tok.type() == ItemType.SUB) {
                next();
                negative = tok.type() == ItemType.SUB;
                tok = peek();
            }
            if (tok.type() != ItemType.NUMBER) {
                throw unexpected(tok, "@", "timestamp");
            }
            next();
            double ts = number(tok);
            if (negative) {
                ts = -ts;
            }
            if (Double.isNaN(ts) || Double.isInfinite(ts) || ts >= 0x1p63 || ts <= -0x1p63) {
                throw fail(e.positionRange(), "timestamp out of bounds for @ modifier: " + GoText.formatFixed(ts, 6));
            }
            at = AtModifier.at(secondsToMillis(ts));
        }
        AtModifier existing;
        if (e instanceof VectorSelector vs) {
            existing = vs.at();
        } else if (e instanceof MatrixSelector ms) {
            existing = ms.selector().at();
        } else if (e instanceof SubqueryExpr sq) {
            existing = sq.at();
        } else {
            throw fail(e.positionRange(),
                    "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
        if (existing.isSet()) {
            throw fail(e.positionRange(), "@ <timestamp> may not be set multiple times");
        }
        if (e instanceof VectorSelector vs) {
            return vs.withAt(at, lastClosing);
        }
        if (e instanceof MatrixSelector ms) {
            return new MatrixSelector(ms.selector().withAt(at, ms.selector().positionRange().end()), ms.rangeMs(),
                    lastClosing);
        }
        return ((SubqueryExpr) e).withAt(at, lastClosing);
    }

    /**
     * Prometheus's timestamp.FromFloatSeconds: {@code seconds * 1000} in float arithmetic (so
     * {@code 1.0005} gives 1001), rounded half away from zero.
     */
    private static long secondsToMillis(double seconds) {
        BigDecimal ms = new BigDecimal(seconds * 1000).setScale(0, RoundingMode.HALF_UP);
        if (ms.toBigInteger().bitLength() > 63) {
            return Long.MIN_VALUE; // what Go's float-to-int conversion gives on amd64
        }
        return ms.longValueExact();
    }

    // ---- calls and aggregations

    /** After a function name, at '('. */
    private Expr parseCall(Item name) {
        List<Expr> args = parseCallBody();
        Function f = Functions.get(name.val());
        if (f == null) {
            throw fail(name.range(), "unknown function with name " + GoText.quote(name.val()));
        }
        return new Call(f, args, new PositionRange(name.pos(), lastClosing));
    }

    /** At '(': a comma-separated argument list up to and including ')'. */
    private List<Expr> parseCallBody() {
        Item open = peek();
        if (open.type() != ItemType.LEFT_PAREN) {
            throw unexpected(open);
        }
        next();
        List<Expr> args = new ArrayList<>();
        if (peek().type() == ItemType.RIGHT_PAREN) {
            next();
            return args;
        }
        while (true) {
            args.add(parseExpr(0));
            Item tok = peek();
            if (tok.type() == ItemType.RIGHT_PAREN) {
                next();
                return args;
            }
            if (tok.type() != ItemType.COMMA) {
                throw unexpected(tok);
            }
            next();
            // Unless an argument follows, the grammar reduces "args ," first, which reports the comma.
            if (!startsExpression(peek().type())) {
                throw fail(tok.range(), "trailing commas not allowed in function call args");
            }
        }
    }

    /** After an aggregation keyword followed by '(', 'by' or 'without'. */
    private Expr parseAggregate(Item op) {
        List<String> grouping = List.of();
        boolean without = false;
        List<Expr> args;
        aggregationDepth++;
        Item tok = peek();
        if (tok.type() == ItemType.BY || tok.type() == ItemType.WITHOUT) {
            next();
            without = tok.type() == ItemType.WITHOUT;
            grouping = parseGroupingLabels();
            args = parseCallBody();
            aggregationDepth--;
        } else {
            args = parseCallBody();
            aggregationDepth--;
            tok = peek();
            if (tok.type() == ItemType.BY || tok.type() == ItemType.WITHOUT) {
                next();
                without = tok.type() == ItemType.WITHOUT;
                grouping = parseGroupingLabels();
            }
        }
        AggregateOp aop = AggregateOp.of(op.type());
        PositionRange range = new PositionRange(op.pos(), lastClosing);
        if (args.isEmpty()) {
            throw fail(range, "no arguments for aggregate expression provided");
        }
        int want = aop.hasParam() ? 2 : 1;
        if (args.size() != want) {
            throw fail(range, "wrong number of arguments for aggregate expression provided, expected " + want
                    + ", got " + args.size());
        }
        return new AggregateExpr(aop, args.get(want - 1), aop.hasParam() ? args.get(0) : null, grouping, without,
                range);
    }

    /** At '(': {@code (label, ...)} for by/without/on/ignoring/group_left/group_right. */
    private List<String> parseGroupingLabels() {
        Item open = peek();
        if (open.type() != ItemType.LEFT_PAREN) {
            throw unexpected(open, "grouping opts", "\"(\"");
        }
        next();
        List<String> labels = new ArrayList<>();
        if (peek().type() == ItemType.RIGHT_PAREN) {
            next();
            return labels;
        }
        while (true) {
            Item label = peek();
            if (!maybeLabel(label.type())) {
                throw unexpected(label, "grouping opts", "label");
            }
            next();
            if (!Lexer.isLabel(label.val())) {
                throw unexpected(label, "grouping opts", "label");
            }
            labels.add(label.val());
            Item tok = peek();
            if (tok.type() == ItemType.RIGHT_PAREN) {
                next();
                return labels;
            }
            if (tok.type() != ItemType.COMMA) {
                throw unexpected(tok, "grouping opts", "\",\" or \")\"");
            }
            next();
            if (peek().type() == ItemType.RIGHT_PAREN) {
                next();
                return labels;
            }
        }
    }

    /** Tokens that can begin an expression. */
    private static boolean startsExpression(ItemType t) {
        return switch (t) {
            case NUMBER, STRING, LEFT_PAREN, LEFT_BRACE, IDENTIFIER, METRIC_IDENTIFIER, ADD, SUB, BY, WITHOUT, LAND,
                    LOR, LUNLESS, OFFSET, START, END -> true;
            default -> t.isAggregator();
        };
    }

    /** Tokens the lexer may make of a label name in grouping options (keywords among them). */
    private static boolean maybeLabel(ItemType t) {
        return switch (t) {
            case IDENTIFIER, METRIC_IDENTIFIER, BOOL, BY, GROUP_LEFT, GROUP_RIGHT, IGNORING, LAND, LOR, LUNLESS,
                    OFFSET, ON, START, END, ATAN2 -> true;
            default -> t.isAggregator();
        };
    }

    // ---- binary operator modifiers

    private record RawModifiers(VectorMatching matching, boolean returnBool) {}

    /** After a binary operator: {@code [bool] [on|ignoring (..) [group_left|group_right [(..)]]]}. */
    private RawModifiers parseBinaryModifiers() {
        boolean returnBool = false;
        if (peek().type() == ItemType.BOOL) {
            next();
            returnBool = true;
        }
        VectorMatching.Cardinality card = VectorMatching.Cardinality.ONE_TO_ONE;
        List<String> matching = List.of();
        List<String> include = List.of();
        boolean on = false;
        ItemType t = peek().type();
        if (t == ItemType.ON || t == ItemType.IGNORING) {
            next();
            on = t == ItemType.ON;
            matching = parseGroupingLabels();
            t = peek().type();
            if (t == ItemType.GROUP_LEFT || t == ItemType.GROUP_RIGHT) {
                next();
                card = t == ItemType.GROUP_LEFT ? VectorMatching.Cardinality.MANY_TO_ONE
                        : VectorMatching.Cardinality.ONE_TO_MANY;
                // As in Prometheus's grammar, a '(' here is always the label list, never the operand.
                ItemType after = peek().type();
                if (after == ItemType.LEFT_PAREN) {
                    include = parseGroupingLabels();
                } else if (!startsExpression(after)) {
                    throw unexpected(peek(), "grouping opts", "\"(\"");
                }
            }
        }
        return new RawModifiers(new VectorMatching(card, matching, on, include), returnBool);
    }

    // ---- literals

    /** Prometheus's number rules: Go's ParseInt with base prefix (0x.., octal 0..), else ParseFloat. */
    private double number(Item tok) {
        String s = tok.val();
        Double v = NumberSyntax.parse(s);
        if (v == null) {
            throw fail(tok.range(), "error parsing number: " + NumberSyntax.error(s));
        }
        return v;
    }

    private long duration(Item tok) {
        long d;
        try {
            d = Durations.parse(tok.val());
        } catch (IllegalArgumentException e) {
            throw fail(tok.range(), e.getMessage());
        }
        if (d == 0) {
            throw fail(tok.range(), "duration must be greater than 0");
        }
        return d;
    }

    private String unquote(Item tok) {
        String s = Unquote.unquote(tok.val());
        if (s == null) {
            throw fail(tok.range(), "error unquoting string " + GoText.quote(tok.val()) + ": invalid syntax");
        }
        return s;
    }
}
