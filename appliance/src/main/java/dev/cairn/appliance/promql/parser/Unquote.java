package dev.cairn.appliance.promql.parser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Prometheus's string unquoting (util/strutil.Unquote): Go escapes in {@code "..."} and
 * {@code '...'} (a single-quoted string may hold any number of characters), none in raw
 * {@code `...`} strings. {@code \x} and octal escapes give raw bytes; the result is read as UTF-8.
 */
final class Unquote {
    private Unquote() {}

    /** The unquoted value of a STRING token's text, or null when the text is not a valid literal. */
    static String unquote(String s) {
        int n = s.length();
        if (n < 2) {
            return null;
        }
        char quote = s.charAt(0);
        if (quote != s.charAt(n - 1)) {
            return null;
        }
        String body = s.substring(1, n - 1);
        if (quote == '`') {
            return body.indexOf('`') >= 0 ? null : body;
        }
        if (quote != '"' && quote != '\'') {
            return null;
        }
        if (body.indexOf('\n') >= 0) {
            return null;
        }
        if (body.indexOf('\\') < 0 && body.indexOf(quote) < 0) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == quote) {
                return null;
            }
            if (c != '\\') {
                int cp = body.codePointAt(i);
                int w = Character.charCount(cp);
                out.writeBytes(body.substring(i, i + w).getBytes(StandardCharsets.UTF_8));
                i += w;
                continue;
            }
            if (i + 1 >= body.length()) {
                return null;
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a' -> out.write(0x07);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case '\\' -> out.write('\\');
                case '\'', '"' -> {
                    if (e != quote) {
                        return null;
                    }
                    out.write(e);
                }
                case 'x', 'u', 'U' -> {
                    int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + len > body.length()) {
                        return null;
                    }
                    long v = 0;
                    for (int j = 0; j < len; j++) {
                        int d = Character.digit(body.charAt(i + j), 16);
                        if (d < 0 || body.charAt(i + j) > 'f') {
                            return null;
                        }
                        v = (v << 4) | d;
                    }
                    i += len;
                    if (e == 'x') {
                        out.write((int) v);
                    } else {
                        if (v > Character.MAX_CODE_POINT) {
                            return null;
                        }
                        int cp = (int) v;
                        if (cp >= 0xD800 && cp < 0xE000) {
                            cp = 0xFFFD; // Go encodes a surrogate as the replacement character
                        }
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    }
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    if (i + 2 > body.length()) {
                        return null;
                    }
                    int v = e - '0';
                    for (int j = 0; j < 2; j++) {
                        int x = body.charAt(i + j) - '0';
                        if (x < 0 || x > 7) {
                            return null;
                        }
                        v = (v << 3) | x;
                    }
                    i += 2;
                    if (v > 255) {
                        return null;
                    }
                    out.write(v);
                }
                default -> {
                    return null;
                }
            }
        }
        return decodeKeepingBadBytes(out.toByteArray());
    }

    /**
     * UTF-8 to a Java string; a byte that is not part of valid UTF-8 (from {@code \xff} or
     * {@code \377}) becomes the lone surrogate U+DC00+byte, so the value stays distinct and prints
     * back as {@code \xff} as Go prints such a byte.
     */
    static String decodeKeepingBadBytes(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int need;
            int cp;
            int min;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            } else if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = c & 0x1f;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0f;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07;
                min = 0x10000;
            } else {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            boolean ok = i + need < b.length;
            if (ok) {
                for (int k = 1; k <= need; k++) {
                    int cc = b[i + k] & 0xff;
                    if ((cc & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    cp = (cp << 6) | (cc & 0x3f);
                }
            }
            if (ok && (cp < min || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp < 0xE000))) {
                ok = false;
            }
            if (!ok) {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            sb.appendCodePoint(cp);
            i += need + 1;
        }
        return sb.toString();
    }
}
