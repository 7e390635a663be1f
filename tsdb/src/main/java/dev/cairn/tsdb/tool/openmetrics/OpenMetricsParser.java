package dev.cairn.tsdb.tool.openmetrics;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streaming reader of OpenMetrics 1.0 text as Prometheus 2.42's {@code textparse} reads it for
 * {@code promtool tsdb create-blocks-from openmetrics}: one line at a time, never the whole input.
 *
 * <p>What is accepted, from Prometheus's OpenMetrics lexer and parser: {@code # HELP name text},
 * {@code # TYPE name type}, {@code # UNIT name unit} (the unit must end the name after an
 * underscore), and samples {@code name[{l="v",...}] value [timestamp] [# {l="v"} value [ts]]}
 * separated by single spaces, every line ending with a newline; the input must end with
 * {@code # EOF} and nothing after it. Label values take the escapes {@code \\}, {@code \"} and
 * {@code \n} (any other backslash stays as it is) and must be valid UTF-8. Values and timestamps
 * use Go's float syntax without hex or underscores ({@code NaN}, {@code +Inf}, {@code -Inf},
 * {@code 1.5e3}); timestamps are seconds, turned into milliseconds as Go does
 * ({@code int64(seconds * 1000)}, truncated toward zero). Blank lines and other comments are
 * errors, as in OpenMetrics. Exemplars are checked and dropped.
 *
 * <p>Protocol: call {@link #next()} until it returns {@link Entry#EOF}; every error is an
 * {@link OpenMetricsException} naming the source and line. Accessors describe the current
 * entry only. Not thread-safe.
 */
public final class OpenMetricsParser implements Closeable {
    /** What {@link #next()} found. */
    public enum Entry { SAMPLE, HELP, TYPE, UNIT, EOF }

    private static final byte[] EXEMPLAR_START = {' ', '#', ' ', '{'};

    private final InputStream in;
    private final String source;
    private final byte[] buf = new byte[1 << 16];
    private int bufPos;
    private int bufLen;
    private boolean inputDone;

    private byte[] line = new byte[512];
    private int lineLen;
    private boolean lineHasNewline;
    private long lineNo;
    private boolean eof;

    // Current sample: offsets into line.
    private int nameEnd;
    private int seriesEnd;
    private int[] labels = new int[32]; // per label: nameStart, nameEnd, valueStart, valueEnd (inside quotes)
    private int labelCount;
    private double value;
    private boolean hasTimestamp;
    private long timestamp;

    // Current HELP/TYPE/UNIT.
    private String metaName;
    private String metaText;
    private MetricType metaType;

    public OpenMetricsParser(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Reads the next entry; {@link Entry#EOF} once {@code # EOF} ended the input. */
    public Entry next() throws IOException {
        if (eof) {
            return Entry.EOF;
        }
        if (!readLine()) {
            throw error(lineNo + 1, "the input ends without the '# EOF' line OpenMetrics requires");
        }
        lineNo++;
        if (lineLen == 0) {
            throw error("blank line; OpenMetrics allows none (the input must end with '# EOF')");
        }
        byte c = line[0];
        if (c == '#') {
            return comment();
        }
        if (isNameStart(c)) {
            sample();
            return Entry.SAMPLE;
        }
        throw error("expected a metric name or '#' at the start of the line, found " + quoteChar(c));
    }

    /** Name of the source (file name) used in error messages. */
    public String source() {
        return source;
    }

    /** 1-based number of the line of the current entry. */
    public long line() {
        return lineNo;
    }

    public String metricName() {
        return metaName != null ? metaName : ascii(0, nameEnd);
    }

    /** Number of labels inside the braces, in input order, not counting the metric name. */
    public int labelCount() {
        return labelCount;
    }

    public String labelName(int i) {
        return ascii(labels[4 * i], labels[4 * i + 1]);
    }

    /** The unescaped value of label {@code i}. */
    public String labelValue(int i) {
        return unescape(labels[4 * i + 2], labels[4 * i + 3]);
    }

    /**
     * The series text exactly as written ({@code name{labels}}), one char per byte: a cheap key to
     * recognise a series seen before without decoding its labels.
     */
    public String seriesKey() {
        return new String(line, 0, seriesEnd, StandardCharsets.ISO_8859_1);
    }

    public double value() {
        return value;
    }

    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** Sample timestamp in milliseconds; valid when {@link #hasTimestamp()}. */
    public long timestampMillis() {
        return timestamp;
    }

    /** Text of a HELP (unescaped) or UNIT entry, type name of a TYPE entry. */
    public String text() {
        return metaText;
    }

    public MetricType type() {
        return metaType;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---- lines

    /** Fills {@code line} with the next line without its newline; false at the end of input. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        lineHasNewline = false;
        boolean any = false;
        while (true) {
            if (bufPos == bufLen) {
                if (!fill()) {
                    return any;
                }
            }
            any = true;
            int start = bufPos;
            int end = start;
            while (end < bufLen && buf[end] != '\n') {
                end++;
            }
            append(start, end);
            if (end < bufLen) {
                bufPos = end + 1;
                lineHasNewline = true;
                return true;
            }
            bufPos = bufLen;
        }
    }

    private boolean fill() throws IOException {
        if (inputDone) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            inputDone = true;
            return false;
        }
        bufPos = 0;
        bufLen = n;
        return true;
    }

    private void append(int from, int to) {
        int n = to - from;
        if (lineLen + n > line.length) {
            byte[] bigger = new byte[Math.max(line.length * 2, lineLen + n)];
            System.arraycopy(line, 0, bigger, 0, lineLen);
            line = bigger;
        }
        System.arraycopy(buf, from, line, lineLen, n);
        lineLen += n;
    }

    // ---- comments

    private Entry comment() throws IOException {
        metaName = null;
        metaText = null;
        metaType = null;
        if (lineLen < 2 || line[1] != ' ') {
            throw error("a comment must be '# HELP', '# TYPE', '# UNIT' or '# EOF' (with one space after '#')");
        }
        if (is(2, "EOF") && lineLen == 5) {
            if (readLine()) {
                throw error(lineNo + 1, "unexpected data after '# EOF' (line " + lineNo + ")");
            }
            eof = true;
            return Entry.EOF;
        }
        Entry kind;
        if (is(2, "HELP ")) {
            kind = Entry.HELP;
        } else if (is(2, "TYPE ")) {
            kind = Entry.TYPE;
        } else if (is(2, "UNIT ")) {
            kind = Entry.UNIT;
        } else {
            throw error("unknown comment; OpenMetrics allows only '# HELP', '# TYPE', '# UNIT' and '# EOF'");
        }
        int p = 7;
        if (p >= lineLen || !isNameStart(line[p])) {
            throw error("expected a metric name after " + kind);
        }
        int nameStart = p;
        while (p < lineLen && isNameChar(line[p])) {
            p++;
        }
        String name = ascii(nameStart, p);
        if (p >= lineLen || line[p] != ' ' || !lineHasNewline) {
            throw error("expected a space and text after '# " + kind + " " + name + "'");
        }
        int textStart = p + 1;
        switch (kind) {
            case TYPE -> {
                String t = new String(line, textStart, lineLen - textStart, StandardCharsets.UTF_8);
                metaType = MetricType.of(t);
                if (metaType == null) {
                    throw error("invalid metric type \"" + t + "\"; expected counter, gauge, histogram, "
                            + "gaugehistogram, summary, info, stateset or unknown");
                }
                metaText = t;
            }
            case HELP -> {
                if (!Utf8.valid(line, textStart, lineLen)) {
                    throw error("help text is not valid UTF-8");
                }
                metaText = unescape(textStart, lineLen);
            }
            default -> {
                String unit = new String(line, textStart, lineLen - textStart, StandardCharsets.UTF_8);
                if (!unit.isEmpty() && !(name.endsWith("_" + unit))) {
                    throw error("unit \"" + unit + "\" is not a suffix of metric " + name + " (after an underscore)");
                }
                metaText = unit;
            }
        }
        metaName = name;
        return kind;
    }

    private boolean is(int at, String word) {
        if (at + word.length() > lineLen) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (line[at + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ---- samples

    private void sample() {
        metaName = null;
        metaText = null;
        metaType = null;
        labelCount = 0;
        int p = 1;
        while (p < lineLen && isNameChar(line[p])) {
            p++;
        }
        nameEnd = p;
        if (p < lineLen && line[p] == '{') {
            p = labelSet(p, true);
        }
        seriesEnd = p;
        if (p >= lineLen) {
            throw error("expected a space and a value after " + ascii(0, nameEnd));
        }
        if (line[p] != ' ') {
            throw error("expected a space and a value after the " + (seriesEnd > nameEnd ? "labels" : "metric name")
                    + ", found " + quoteChar(line[p]));
        }
        int vEnd = token(p + 1);
        value = number(p + 1, vEnd, "value");
        p = vEnd;
        hasTimestamp = false;
        if (p < lineLen && !startsExemplar(p)) {
            int tEnd = token(p + 1);
            double seconds = number(p + 1, tEnd, "timestamp");
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                throw error("invalid timestamp " + FloatText.text(line, p + 1, tEnd));
            }
            timestamp = (long) (seconds * 1000);
            hasTimestamp = true;
            p = tEnd;
        }
        if (p < lineLen) {
            if (!startsExemplar(p)) {
                throw error("expected the end of the line or an exemplar ' # {...}' after the timestamp");
            }
            exemplar(p);
        }
        if (!lineHasNewline) {
            throw error(lineNo + 1, "the input ends without the '# EOF' line OpenMetrics requires");
        }
    }

    private boolean startsExemplar(int p) {
        if (p + EXEMPLAR_START.length > lineLen) {
            return false;
        }
        for (int i = 0; i < EXEMPLAR_START.length; i++) {
            if (line[p + i] != EXEMPLAR_START[i]) {
                return false;
            }
        }
        return true;
    }

    private void exemplar(int p) {
        if (!(endsWith(nameEnd, "_total") || endsWith(nameEnd, "_bucket"))) {
            throw error("exemplars are allowed only on metrics ending in _total or _bucket, not on " + ascii(0, nameEnd));
        }
        int saved = labelCount;
        p = labelSet(p + 3, false);
        labelCount = saved;
        if (p >= lineLen || line[p] != ' ') {
            throw error("expected a space and a value after the exemplar labels");
        }
        int vEnd = token(p + 1);
        number(p + 1, vEnd, "exemplar value");
        p = vEnd;
        if (p < lineLen) {
            int tEnd = token(p + 1);
            double ts = number(p + 1, tEnd, "exemplar timestamp");
            if (Double.isNaN(ts) || Double.isInfinite(ts)) {
                throw error("invalid exemplar timestamp " + FloatText.text(line, p + 1, tEnd));
            }
            if (tEnd < lineLen) {
                throw error("expected the end of the line after the exemplar timestamp");
            }
        }
    }

    private boolean endsWith(int end, String suffix) {
        return end >= suffix.length() && is(end - suffix.length(), suffix);
    }

    /** A run of non-space bytes from {@code p}; at least one. */
    private int token(int p) {
        int e = p;
        while (e < lineLen && line[e] != ' ') {
            e++;
        }
        if (e == p) {
            throw error(p >= lineLen ? "the line ends with a space (nothing may follow the last field)"
                    : "two spaces in a row at column " + p);
        }
        return e;
    }

    private double number(int from, int to, String what) {
        try {
            return FloatText.parse(line, from, to);
        } catch (NumberFormatException e) {
            throw error("bad " + what + ": " + e.getMessage());
        }
    }

    /**
     * Parses {@code {name="value",...}} starting at the brace; returns the position after '}'.
     * Records label offsets when {@code keep}.
     */
    private int labelSet(int p, boolean keep) {
        p++; // '{'
        boolean first = true;
        while (true) {
            if (p >= lineLen) {
                throw error("unterminated label set: expected '}'");
            }
            byte c = line[p];
            if (c == '}') {
                return p + 1;
            }
            if (!first) {
                if (c != ',') {
                    throw error("expected ',' or '}' after a label value at column " + (p + 1) + ", found " + quoteChar(c));
                }
                p++;
                if (p >= lineLen || !isLabelNameStart(line[p])) {
                    throw error("expected a label name after ',' at column " + (p + 1)
                            + (p < lineLen && line[p] == '}' ? " (no trailing comma in OpenMetrics)" : ""));
                }
            } else if (!isLabelNameStart(c)) {
                throw error("expected a label name or '}' at column " + (p + 1) + ", found " + quoteChar(c));
            }
            first = false;
            int nStart = p;
            while (p < lineLen && isLabelNameChar(line[p])) {
                p++;
            }
            int nEnd = p;
            if (p >= lineLen || line[p] != '=') {
                throw error("expected '=' after label name " + ascii(nStart, nEnd));
            }
            p++;
            if (p >= lineLen || line[p] != '"') {
                throw error("expected a double-quoted value for label " + ascii(nStart, nEnd));
            }
            int vStart = ++p;
            while (p < lineLen && line[p] != '"') {
                p += line[p] == '\\' ? 2 : 1;
            }
            if (p >= lineLen) {
                throw error("unterminated value of label " + ascii(nStart, nEnd) + ": missing closing '\"'");
            }
            int vEnd = p++;
            if (!Utf8.valid(line, vStart, vEnd)) {
                throw error("the value of label " + ascii(nStart, nEnd) + " is not valid UTF-8");
            }
            if (keep) {
                if (4 * labelCount + 4 > labels.length) {
                    labels = java.util.Arrays.copyOf(labels, labels.length * 2);
                }
                labels[4 * labelCount] = nStart;
                labels[4 * labelCount + 1] = nEnd;
                labels[4 * labelCount + 2] = vStart;
                labels[4 * labelCount + 3] = vEnd;
                labelCount++;
            }
        }
    }

    /** Prometheus's label value unescaping: {@code \"}, {@code \\}, {@code \n}; other backslashes stay. */
    private String unescape(int from, int to) {
        int bs = -1;
        for (int i = from; i < to; i++) {
            if (line[i] == '\\') {
                bs = i;
                break;
            }
        }
        if (bs < 0) {
            return new String(line, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = line[i];
            if (c == '\\' && i + 1 < to) {
                byte d = line[i + 1];
                if (d == '"' || d == '\\') {
                    out[n++] = d;
                    i++;
                    continue;
                }
                if (d == 'n') {
                    out[n++] = '\n';
                    i++;
                    continue;
                }
            }
            out[n++] = c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private String ascii(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static boolean isNameStart(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private static boolean isNameChar(byte c) {
        return isNameStart(c) || c >= '0' && c <= '9';
    }

    private static boolean isLabelNameStart(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static boolean isLabelNameChar(byte c) {
        return isLabelNameStart(c) || c >= '0' && c <= '9';
    }

    private static String quoteChar(byte c) {
        if (c == ' ') {
            return "a space";
        }
        if (c == '\t') {
            return "a tab";
        }
        if (c == '\r') {
            return "a carriage return (Windows line ends are not OpenMetrics)";
        }
        if (c >= 0x21 && c < 0x7F) {
            return "'" + (char) c + "'";
        }
        return String.format("byte 0x%02x", c & 0xFF);
    }

    private OpenMetricsException error(String what) {
        return error(lineNo, what);
    }

    private OpenMetricsException error(long at, String what) {
        return new OpenMetricsException(source, at, what);
    }
}
