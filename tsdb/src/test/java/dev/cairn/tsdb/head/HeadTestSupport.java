package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.testing.Samples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared steps of the head tests. */
final class HeadTestSupport {
    private HeadTestSupport() {
    }

    /**
     * Appends every sample of {@code series} in global timestamp order (so none falls out of the
     * head's window), committing every {@code batch} samples; asserts each append is accepted.
     */
    static void appendInTimeOrder(Head head, List<Samples> series, int batch) throws IOException {
        PriorityQueue<int[]> q = new PriorityQueue<>((a, b) -> {
            int c = Long.compare(series.get(a[0]).t(a[1]), series.get(b[0]).t(b[1]));
            return c != 0 ? c : Integer.compare(a[0], b[0]);
        });
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).size() > 0) {
                q.add(new int[]{i, 0});
            }
        }
        HeadAppender app = head.appender();
        int n = 0;
        while (!q.isEmpty()) {
            int[] e = q.poll();
            Samples s = series.get(e[0]);
            AppendResult r = app.append(s.labels(), s.t(e[1]), s.v(e[1]));
            assertEquals(AppendResult.OK, r, () -> "append " + s.labels() + " @" + s.t(e[1]));
            if (++n % batch == 0) {
                app.commit();
            }
            if (e[1] + 1 < s.size()) {
                q.add(new int[]{e[0], e[1] + 1});
            }
        }
        app.commit();
    }

    /** Every series of the head with samples in [mint, maxt], in label order. */
    static List<Samples> selectAll(Querier q) {
        return Samples.drain(q.select(List.of(Matcher.regex("__name__", ".+"))));
    }

    static List<Samples> clipAll(List<Samples> series, long mint, long maxt) {
        List<Samples> out = new ArrayList<>();
        for (Samples s : series) {
            Samples c = s.clip(mint, maxt);
            if (c.size() > 0) {
                out.add(c);
            }
        }
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    static Labels series(String name, String... kv) {
        String[] all = new String[kv.length + 2];
        all[0] = "__name__";
        all[1] = name;
        System.arraycopy(kv, 0, all, 2, kv.length);
        return Labels.of(all);
    }
}
