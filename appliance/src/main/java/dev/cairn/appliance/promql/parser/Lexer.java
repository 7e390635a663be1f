package dev.cairn.appliance.promql.parser;

import java.nio.charset.StandardCharsets;

/**
 * Splits a PromQL query into tokens, with Prometheus's rules and error wording (promql/parser/lex.go):
 * inside braces keywords are plain identifiers; after {@code [} a duration must follow; a number
 * directly followed by a unit is a duration; {@code #} starts a comment to the end of the line.
 *
 * <p>Works on the UTF-8 bytes of the query so positions are byte offsets, as Prometheus reports
 * them. After the first {@link ItemType#ERROR} token only {@link ItemType#EOF} follows.
 */
final class Lexer {
    private static final int EOF_RUNE = -1;

    private final byte[] in;
    private int pos;
    private int start;
    private int width;
    private int parenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;
    private boolean gotColon;
    private int stringOpen;
    /** Set after '[': the next token must be a duration (Prometheus's lexDuration state). */
    private boolean pendingDuration;
    private boolean done;

    Lexer(String input) {
        this.in = input.getBytes(StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        return in;
    }

    /** The next token; comments included (the parser skips them). */
    Item next() {
        if (done) {
            return new Item(ItemType.EOF, pos, "");
        }
        while (true) {
            Item item = braceOpen ? insideBraces() : statements();
            if (item != null) {
                if (item.type() == ItemType.ERROR || item.type() == ItemType.EOF) {
                    done = true;
                }
                return item;
            }
        }
    }

    // ---- rune handling

    private int nextRune() {
        if (pos >= in.length) {
            width = 0;
            return EOF_RUNE;
        }
        int b = in[pos] & 0xff;
        int r;
        int w;
        if (b < 0x80) {
            r = b;
            w = 1;
        } else if (b >= 0xF0 && pos + 3 < in.length) {
            r = ((b & 0x07) << 18) | ((in[pos + 1] & 0x3f) << 12) | ((in[pos + 2] & 0x3f) << 6) | (in[pos + 3] & 0x3f);
            w = 4;
        } else if (b >= 0xE0 && pos + 2 < in.length) {
            r = ((b & 0x0f) << 12) | ((in[pos + 1] & 0x3f) << 6) | (in[pos + 2] & 0x3f);
            w = 3;
        } else if (b >= 0xC0 && pos + 1 < in.length) {
            r = ((b & 0x1f) << 6) | (in[pos + 1] & 0x3f);
            w = 2;
        } else {
            r = 0xFFFD;
            w = 1;
        }
        width = w;
        pos += w;
        return r;
    }

    private int peek() {
        int r = nextRune();
        backup();
        return r;
    }

    private void backup() {
        pos -= width;
    }

    private boolean accept(String valid) {
        int r = nextRune();
        if (r != EOF_RUNE && valid.indexOf(r) >= 0) {
            return true;
        }
        backup();
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consume
        }
    }

    private String text() {
        return new String(in, start, pos - start, StandardCharsets.UTF_8);
    }

    private Item emit(ItemType t) {
        Item item = new Item(t, start, text());
        start = pos;
        return item;
    }

    private Item error(String message) {
        return new Item(ItemType.ERROR, start, message);
    }

    private void ignore() {
        start = pos;
    }

    // ---- states

    private Item statements() {
        if (pendingDuration) {
            pendingDuration = false;
            return duration();
        }
        if (pos < in.length && in[pos] == '#') {
            return lineComment();
        }
        int r = nextRune();
        if (r == EOF_RUNE) {
            if (parenDepth != 0) {
                return error("unclosed left parenthesis");
            }
            if (bracketOpen) {
                return error("unclosed left bracket");
            }
            return emit(ItemType.EOF);
        }
        switch (r) {
            case ',':
                return emit(ItemType.COMMA);
            case '*':
                return emit(ItemType.MUL);
            case '/':
                return emit(ItemType.DIV);
            case '%':
                return emit(ItemType.MOD);
            case '+':
                return emit(ItemType.ADD);
            case '-':
                return emit(ItemType.SUB);
            case '^':
                return emit(ItemType.POW);
            case '@':
                return emit(ItemType.AT);
            case '=': {
                int t = peek();
                if (t == '=') {
                    nextRune();
                    return emit(ItemType.EQLC);
                }
                if (t == '~') {
                    return error("unexpected character after '=': " + GoText.quoteRune(t));
                }
                return emit(ItemType.EQL);
            }
            case '!': {
                int t = nextRune();
                if (t == '=') {
                    return emit(ItemType.NEQ);
                }
                return error("unexpected character after '!': " + GoText.quoteRune(t));
            }
            case '<':
                if (peek() == '=') {
                    nextRune();
                    return emit(ItemType.LTE);
                }
                return emit(ItemType.LSS);
            case '>':
                if (peek() == '=') {
                    nextRune();
                    return emit(ItemType.GTE);
                }
                return emit(ItemType.GTR);
            case '"':
            case '\'':
                stringOpen = r;
                return string();
            case '`':
                stringOpen = r;
                return rawString();
            case '(':
                parenDepth++;
                return emit(ItemType.LEFT_PAREN);
            case ')': {
                Item item = emit(ItemType.RIGHT_PAREN);
                parenDepth--;
                if (parenDepth < 0) {
                    return error("unexpected right parenthesis " + GoText.quoteRune(r));
                }
                return item;
            }
            case '{':
                braceOpen = true;
                return emit(ItemType.LEFT_BRACE);
            case '[': {
                if (bracketOpen) {
                    return error("unexpected left bracket " + GoText.quoteRune(r));
                }
                gotColon = false;
                Item item = emit(ItemType.LEFT_BRACKET);
                while (isSpace(peek())) {
                    nextRune();
                }
                ignore();
                bracketOpen = true;
                pendingDuration = true;
                return item;
            }
            case ']':
                if (!bracketOpen) {
                    return error("unexpected right bracket " + GoText.quoteRune(r));
                }
                bracketOpen = false;
                return emit(ItemType.RIGHT_BRACKET);
            default:
                break;
        }
        if (isSpace(r)) {
            skipSpaces();
            return null;
        }
        if (isDigit(r) || (r == '.' && isDigit(peek()))) {
            backup();
            return numberOrDuration();
        }
        if (isAlpha(r) || r == ':') {
            if (!bracketOpen) {
                backup();
                return keywordOrIdentifier();
            }
            if (gotColon) {
                return error("unexpected colon " + GoText.quoteRune(r));
            }
            gotColon = true;
            return emit(ItemType.COLON);
        }
        return error("unexpected character: " + GoText.quoteRune(r));
    }

    private Item insideBraces() {
        if (pos < in.length && in[pos] == '#') {
            return lineComment();
        }
        int r = nextRune();
        if (r == EOF_RUNE) {
            return error("unexpected end of input inside braces");
        }
        if (isSpace(r)) {
            skipSpaces();
            return null;
        }
        if (isAlpha(r)) {
            while (isAlphaNumeric(nextRune())) {
                // absorb
            }
            backup();
            return emit(ItemType.IDENTIFIER);
        }
        switch (r) {
            case ',':
                return emit(ItemType.COMMA);
            case '"':
            case '\'':
                stringOpen = r;
                return string();
            case '`':
                stringOpen = r;
                return rawString();
            case '=':
                if (nextRune() == '~') {
                    return emit(ItemType.EQL_REGEX);
                }
                backup();
                return emit(ItemType.EQL);
            case '!': {
                int nr = nextRune();
                if (nr == '~') {
                    return emit(ItemType.NEQ_REGEX);
                }
                if (nr == '=') {
                    return emit(ItemType.NEQ);
                }
                return error("unexpected character after '!' inside braces: " + GoText.quoteRune(nr));
            }
            case '{':
                return error("unexpected left brace " + GoText.quoteRune(r));
            case '}':
                braceOpen = false;
                return emit(ItemType.RIGHT_BRACE);
            default:
                return error("unexpected character inside braces: " + GoText.quoteRune(r));
        }
    }

    private Item lineComment() {
        pos++;
        int r = nextRune();
        while (r != '\r' && r != '\n' && r != EOF_RUNE) {
            r = nextRune();
        }
        backup();
        return emit(ItemType.COMMENT);
    }

    private void skipSpaces() {
        while (isSpace(peek())) {
            nextRune();
        }
        ignore();
    }

    private Item string() {
        while (true) {
            int r = nextRune();
            if (r == '\\') {
                String err = escape();
                if (err != null) {
                    return error(err);
                }
                continue;
            }
            if (r == 0xFFFD) {
                // Go's decoder reports U+FFFD (also when spelled out) as an invalid rune.
                return error("invalid UTF-8 rune");
            }
            if (r == EOF_RUNE || r == '\n') {
                return error("unterminated quoted string");
            }
            if (r == stringOpen) {
                return emit(ItemType.STRING);
            }
        }
    }

    private Item rawString() {
        while (true) {
            int r = nextRune();
            if (r == 0xFFFD) {
                return error("invalid UTF-8 rune");
            }
            if (r == EOF_RUNE) {
                return error("unterminated raw string");
            }
            if (r == stringOpen) {
                return emit(ItemType.STRING);
            }
        }
    }

    /** Checks one escape after a backslash; null when valid, else Prometheus's message. */
    private String escape() {
        int ch = nextRune();
        int n;
        int base;
        int max;
        if (ch == 'a' || ch == 'b' || ch == 'f' || ch == 'n' || ch == 'r' || ch == 't' || ch == 'v'
                || ch == '\\' || ch == stringOpen) {
            return null;
        } else if (ch >= '0' && ch <= '7') {
            n = 3;
            base = 8;
            max = 255;
        } else if (ch == 'x') {
            ch = nextRune();
            n = 2;
            base = 16;
            max = 255;
        } else if (ch == 'u') {
            ch = nextRune();
            n = 4;
            base = 16;
            max = Character.MAX_CODE_POINT;
        } else if (ch == 'U') {
            ch = nextRune();
            n = 8;
            base = 16;
            max = Character.MAX_CODE_POINT;
        } else if (ch == EOF_RUNE) {
            return "escape sequence not terminated";
        } else {
            return "unknown escape sequence " + GoText.unicodeName(ch);
        }
        long x = 0;
        while (n > 0) {
            int d = digitVal(ch);
            if (d >= base) {
                if (ch == EOF_RUNE) {
                    return "escape sequence not terminated";
                }
                return "illegal character " + GoText.unicodeName(ch) + " in escape sequence";
            }
            x = x * base + d;
            n--;
            if (n > 0) {
                ch = nextRune();
            }
        }
        if (x > max || (0xD800 <= x && x < 0xE000)) {
            return "escape sequence is an invalid Unicode code point";
        }
        return null;
    }

    private static int digitVal(int ch) {
        if (ch >= '0' && ch <= '9') {
            return ch - '0';
        }
        if (ch >= 'a' && ch <= 'f') {
            return ch - 'a' + 10;
        }
        if (ch >= 'A' && ch <= 'F') {
            return ch - 'A' + 10;
        }
        return 16;
    }

    private Item duration() {
        if (scanNumber()) {
            return error("missing unit character in duration");
        }
        if (!acceptRemainingDuration()) {
            return error("bad duration syntax: " + GoText.quote(text()));
        }
        backup();
        return emit(ItemType.DURATION);
    }

    private Item numberOrDuration() {
        if (scanNumber()) {
            return emit(ItemType.NUMBER);
        }
        if (acceptRemainingDuration()) {
            backup();
            return emit(ItemType.DURATION);
        }
        return error("bad number or duration syntax: " + GoText.quote(text()));
    }

    private boolean acceptRemainingDuration() {
        if (!accept("smhdwy")) {
            return false;
        }
        accept("s");
        while (accept("0123456789")) {
            acceptRun("0123456789");
            if (!accept("smhdw")) {
                return false;
            }
            accept("s");
        }
        return !isAlphaNumeric(nextRune());
    }

    /** Scans what may be a number; true when no letter or digit follows it. */
    private boolean scanNumber() {
        String digits = "0123456789";
        if (accept("0") && accept("xX")) {
            digits = "0123456789abcdefABCDEF";
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (accept("eE")) {
            accept("+-");
            acceptRun("0123456789");
        }
        return !isAlphaNumeric(peek());
    }

    private Item keywordOrIdentifier() {
        int r;
        do {
            r = nextRune();
        } while (isAlphaNumeric(r) || r == ':');
        backup();
        String word = text();
        ItemType kw = ItemType.keyword(word);
        if (kw != null) {
            return emit(kw);
        }
        return emit(word.indexOf(':') >= 0 ? ItemType.METRIC_IDENTIFIER : ItemType.IDENTIFIER);
    }

    static boolean isSpace(int r) {
        return r == ' ' || r == '\t' || r == '\n' || r == '\r';
    }

    static boolean isDigit(int r) {
        return r >= '0' && r <= '9';
    }

    static boolean isAlpha(int r) {
        return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    }

    static boolean isAlphaNumeric(int r) {
        return isAlpha(r) || isDigit(r);
    }

    /** Prometheus's isLabel: a valid label name. */
    static boolean isLabel(String s) {
        if (s.isEmpty() || !isAlpha(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!isAlphaNumeric(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
