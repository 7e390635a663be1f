package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Labels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Compares an answer (ours or Prometheus's) with what a script's eval expects, as promqltest does. */
final class ScriptChecks {
    static final Path DIR = Path.of("src/test/resources/promql");

    private ScriptChecks() {
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("list " + DIR, e);
        }
    }

    static List<PromqlScript.Command> read(Path p) {
        try {
            return PromqlScript.parse(p.getFileName().toString(), Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException("read " + p, e);
        }
    }

    /** promqltest's almostEqual (relative epsilon 1e-6; NaN equals NaN). */
    static boolean almostEqual(double a, double b) {
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return true;
        }
        if (a == b) {
            return true;
        }
        double minNormal = Double.MIN_NORMAL;
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || diff < minNormal) {
            return diff < 1e-6 * minNormal;
        }
        return diff / (Math.abs(a) + Math.abs(b)) < 1e-6;
    }

    /**
     * Null when {@code value} (or {@code error}, exactly one is set) is what {@code eval} expects;
     * otherwise what differs.
     */
    static String mismatch(PromqlScript.Eval eval, Value value, String error) {
        if (eval.fail()) {
            if (error == null) {
                return "expected an error, got " + value;
            }
            if (eval.failMessage() != null && !eval.failMessage().equals(error)) {
                return "expected error \"" + eval.failMessage() + "\", got \"" + error + "\"";
            }
            return null;
        }
        if (error != null) {
            return "unexpected error: " + error;
        }
        if (value instanceof Scalar s) {
            if (eval.scalar() == null) {
                return "expected a vector, got scalar " + s.v();
            }
            return almostEqual(eval.scalar(), s.v()) ? null : "expected scalar " + eval.scalar() + ", got " + s.v();
        }
        if (!(value instanceof Vector v)) {
            return "expected an instant vector or scalar, got " + value.typeName();
        }
        if (eval.scalar() != null) {
            return "expected scalar " + eval.scalar() + ", got vector " + v.samples();
        }
        List<PromqlScript.Expected> exp = eval.expected();
        if (exp.size() != v.samples().size()) {
            return "expected " + exp.size() + " samples " + exp + ", got " + v.samples().size() + ": " + v.samples();
        }
        Map<Labels, Integer> pos = new HashMap<>();
        for (int i = 0; i < v.samples().size(); i++) {
            pos.put(v.samples().get(i).labels(), i);
        }
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < exp.size(); i++) {
            PromqlScript.Expected e = exp.get(i);
            Integer at = pos.get(e.labels());
            if (at == null) {
                diffs.add("missing " + e.labels() + " " + e.value());
                continue;
            }
            if (eval.ordered() && at != i) {
                diffs.add(e.labels() + " at position " + at + ", expected " + i);
            }
            double got = v.samples().get(at).v();
            if (!almostEqual(e.value(), got)) {
                diffs.add(e.labels() + " expected " + e.value() + ", got " + got);
            }
        }
        return diffs.isEmpty() ? null : String.join("; ", diffs) + " (got " + v.samples() + ")";
    }
}
