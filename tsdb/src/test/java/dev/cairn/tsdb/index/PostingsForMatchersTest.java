package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostingsForMatchers on an index file and on MemPostings against a plain filter over all series. */
class PostingsForMatchersTest {
    @TempDir
    Path dir;

    private static final String[] REGEXES = {".*", ".+", "a.*", "a|b", "(a|)", "[a-c]+", ".*é.*", "x?", "", "a.+",
        "b.*|c", "(?i)A.*", ".*\n.*", "\\S+", "中.*"};

    private static Matcher randomMatcher(Random rnd, TreeMap<Labels, List<ChunkMeta>> series) {
        List<Labels> all = new ArrayList<>(series.keySet());
        Labels some = all.get(rnd.nextInt(all.size()));
        String name;
        int pick = rnd.nextInt(10);
        if (pick == 0) {
            name = "nope";
        } else if (pick < 3) {
            name = "__name__";
        } else {
            name = some.name(rnd.nextInt(some.size()));
        }
        MatchType type = MatchType.values()[rnd.nextInt(4)];
        String value;
        if (type == MatchType.EQUAL || type == MatchType.NOT_EQUAL) {
            int v = rnd.nextInt(5);
            value = v == 0 ? "" : v == 1 ? IndexFixtures.randomString(rnd, 3) : some.get(name);
        } else {
            int v = rnd.nextInt(4);
            if (v == 0) {
                // an alternation of existing values: the set-match fast path
                Labels other = all.get(rnd.nextInt(all.size()));
                value = quote(some.get(name)) + "|" + quote(other.get(name));
            } else if (v == 1 && !some.get(name).isEmpty()) {
                // a literal prefix of an existing value: the prefix fast path
                String s = some.get(name);
                value = quote(s.substring(0, s.offsetByCodePoints(0, 1))) + ".*";
            } else {
                value = REGEXES[rnd.nextInt(REGEXES.length)];
            }
        }
        return Matcher.of(type, name, value);
    }

    /** Escapes regex meta characters so the literal stays a literal. */
    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.appendCodePoint(c);
        });
        return sb.toString();
    }

    private static long[] naive(Map<Labels, Long> refs, List<Matcher> ms) {
        if (ms.isEmpty()) {
            return new long[0];
        }
        return refs.entrySet().stream()
                .filter(e -> ms.stream().allMatch(m -> m.matches(e.getKey().get(m.name()))))
                .mapToLong(Map.Entry::getValue).sorted().toArray();
    }

    @Test
    void select_randomMatchers_agreesWithFilter_onIndexFileAndMemPostings() throws IOException {
        for (int seed = 0; seed < 8; seed++) {
            Random rnd = new Random(seed);
            TreeMap<Labels, List<ChunkMeta>> series = IndexFixtures.randomSeries(rnd, 50 + rnd.nextInt(400), 2 + rnd.nextInt(12));
            Path file = dir.resolve("index-" + seed);
            Map<Labels, Long> fileRefs = IndexFixtures.write(file, series);
            MemPostings mem = new MemPostings();
            Map<Labels, Long> memRefs = new TreeMap<>(Utf8Order.LABELS);
            // head ids are not in label order; add them shuffled to exercise out-of-order inserts
            List<Labels> shuffled = new ArrayList<>(series.keySet());
            java.util.Collections.shuffle(shuffled, rnd);
            for (int i = 0; i < shuffled.size(); i++) {
                long id = 1000 + 3L * i;
                memRefs.put(shuffled.get(i), id);
            }
            java.util.Collections.shuffle(shuffled, rnd);
            for (Labels l : shuffled) {
                mem.add(memRefs.get(l), l);
            }
            try (IndexReader r = IndexReader.open(file)) {
                for (int q = 0; q < 300; q++) {
                    List<Matcher> ms = new ArrayList<>();
                    int n = rnd.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        ms.add(randomMatcher(rnd, series));
                    }
                    assertArrayEquals(naive(fileRefs, ms), ListPostings.expand(PostingsForMatchers.select(r, ms)),
                            "index file, matchers " + ms);
                    assertArrayEquals(naive(memRefs, ms), ListPostings.expand(PostingsForMatchers.select(mem, ms)),
                            "MemPostings, matchers " + ms);
                }
            }
        }
    }

    @Test
    void select_emptyNameAndValue_selectsAllSeries() {
        MemPostings mem = new MemPostings();
        mem.add(1, Labels.of("a", "1"));
        mem.add(2, Labels.of("b", "1"));
        assertArrayEquals(new long[] {1, 2}, ListPostings.expand(PostingsForMatchers.select(mem, Matcher.equal("", ""))));
        assertArrayEquals(new long[] {2}, ListPostings.expand(PostingsForMatchers.select(mem,
                Matcher.equal("", ""), Matcher.equal("a", ""))));
        assertEquals(0, ListPostings.expand(PostingsForMatchers.select(mem, List.of())).length);
    }

    @Test
    void select_notEqualOnMissingLabel_selectsEverySeries() {
        MemPostings mem = new MemPostings();
        mem.add(1, Labels.of("a", "1"));
        mem.add(2, Labels.of("b", "1"));
        assertArrayEquals(new long[] {1, 2}, ListPostings.expand(PostingsForMatchers.select(mem, Matcher.of(MatchType.NOT_EQUAL, "nope", "x"))));
        assertArrayEquals(new long[] {}, ListPostings.expand(PostingsForMatchers.select(mem, Matcher.regex("nope", ".+"))));
        assertArrayEquals(new long[] {2}, ListPostings.expand(PostingsForMatchers.select(mem, Matcher.of(MatchType.NOT_REGEX, "a", ".+"))));
    }
}
