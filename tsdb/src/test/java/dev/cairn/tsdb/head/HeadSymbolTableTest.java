package dev.cairn.tsdb.head;

import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The head's label string table does not keep the strings of series that are gone: with label
 * churn (here every instance replaced once) it would otherwise grow for the life of the process.
 */
class HeadSymbolTableTest {
    private static final long HOUR = 3_600_000;

    @Test
    void truncation_afterChurn_dropsStringsOfRemovedSeries_andNewSeriesStillShareLiveOnes() throws IOException {
        Head head = Head.inMemory(HeadOptions.defaults());
        // 3,000 series of instances old-0..old-2999, then 300 of new instances: only the new ones are
        // written after the truncation point
        HeadAppender app = head.appender();
        for (int i = 0; i < 3_000; i++) {
            app.append(series("old-" + i, "node_load1"), HOUR, i);
        }
        app.commit();
        for (int i = 0; i < 300; i++) {
            app.append(series("new-" + i, "node_load1"), 4 * HOUR, i);
        }
        app.commit();
        int before = head.symbolCount();
        assertTrue(before >= 3_300, "every instance string interned: " + before);

        head.truncate(3 * HOUR);

        assertEquals(300, head.numSeries());
        Set<String> live = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Labels l = series("new-" + i, "node_load1");
            for (int k = 0; k < l.size(); k++) {
                live.add(l.name(k));
                live.add(l.value(k));
            }
        }
        assertEquals(live.size(), head.symbolCount(), "only the live series' strings are left");

        // the live series still answer, and a new series takes the live series' String instances
        List<?> answered = selectAll(head.querier(0, 10 * HOUR));
        assertEquals(300, answered.size());
        app.append(series("new-0", "node_load5"), 5 * HOUR, 1);
        app.commit();
        MemSeries existing = head.series.get(series("new-0", "node_load1"));
        MemSeries created = head.series.get(series("new-0", "node_load5"));
        int instance = indexOf(created.labels, "instance");
        assertSame(existing.labels.value(indexOf(existing.labels, "instance")), created.labels.value(instance));
    }

    @Test
    void truncation_removingFewSeries_keepsTheTable() throws IOException {
        Head head = Head.inMemory(HeadOptions.defaults());
        HeadAppender app = head.appender();
        for (int i = 0; i < 20; i++) {
            app.append(series("gone-" + i, "up"), HOUR, 1);
        }
        for (int i = 0; i < 2_000; i++) {
            app.append(series("kept-" + i, "up"), 4 * HOUR, 1);
        }
        app.commit();
        int before = head.symbolCount();
        head.truncate(3 * HOUR);
        assertEquals(2_000, head.numSeries());
        // 20 removed series are not worth a pass over 2,000: their strings stay until more go
        assertEquals(before, head.symbolCount());
    }

    private static Labels series(String instance, String name) {
        return Labels.of("__name__", name, "instance", instance + ":9100", "job", "node");
    }

    private static int indexOf(Labels l, String name) {
        for (int i = 0; i < l.size(); i++) {
            if (l.name(i).equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name + " not in " + l);
    }
}
