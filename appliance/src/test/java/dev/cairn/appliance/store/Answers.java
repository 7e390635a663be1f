package dev.cairn.appliance.store;

import dev.cairn.appliance.promql.Matrix;
import dev.cairn.appliance.promql.QueryResult;
import dev.cairn.appliance.promql.Sample;
import dev.cairn.appliance.promql.Scalar;
import dev.cairn.appliance.promql.Series;
import dev.cairn.appliance.promql.Vector;

import java.util.ArrayList;
import java.util.List;

/** PromQL answers as text, to compare whole answers exactly, and counts to check they are not empty. */
final class Answers {
    private Answers() {
    }

    static String render(QueryResult r) {
        StringBuilder sb = new StringBuilder();
        if (r.value() instanceof Matrix m) {
            for (Series s : m.series()) {
                sb.append(s.labels()).append(':');
                for (int i = 0; i < s.size(); i++) {
                    sb.append(' ').append(s.ts()[i]).append('=').append(s.vs()[i]);
                }
                sb.append('\n');
            }
        } else if (r.value() instanceof Vector v) {
            List<String> lines = new ArrayList<>();
            for (Sample s : v.samples()) {
                lines.add(s.labels() + " " + s.t() + "=" + s.v());
            }
            lines.sort(null);
            lines.forEach(l -> sb.append(l).append('\n'));
        } else if (r.value() instanceof Scalar s) {
            sb.append(s);
        } else {
            sb.append(r.value());
        }
        return sb.toString();
    }

    /** Number of points in a matrix or vector answer. */
    static int points(QueryResult r) {
        if (r.value() instanceof Matrix m) {
            int n = 0;
            for (Series s : m.series()) {
                n += s.size();
            }
            return n;
        }
        if (r.value() instanceof Vector v) {
            return v.samples().size();
        }
        return 1;
    }
}
