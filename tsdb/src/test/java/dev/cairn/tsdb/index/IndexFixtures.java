package dev.cairn.tsdb.index;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/** Random series sets and a one-call index writer for tests. */
final class IndexFixtures {
    /** Characters that stress encoding and ordering: multi-byte, U+E000..U+FFFF and beyond U+FFFF. */
    private static final String[] ODD = {"é", "中", "😀", "\uFFFD", "\uE000", "\"", "\\", "\n", " ", "𝄞", "a"};

    private IndexFixtures() {
    }

    static String randomString(Random rnd, int maxLen) {
        int n = 1 + rnd.nextInt(maxLen);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(4) == 0) {
                sb.append(ODD[rnd.nextInt(ODD.length)]);
            } else {
                sb.append((char) ('a' + rnd.nextInt(6)));
            }
        }
        return sb.toString();
    }

    /** {@code n} distinct series over a few names whose values repeat, sorted in index order. */
    static TreeMap<Labels, List<ChunkMeta>> randomSeries(Random rnd, int n, int valuesPerName) {
        String[] names = {"__name__", "job", "instance", "zone", "é_name", "path"};
        List<List<String>> values = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            List<String> vs = new ArrayList<>();
            for (int j = 0; j < valuesPerName; j++) {
                vs.add(randomString(rnd, 6));
            }
            values.add(vs);
        }
        TreeMap<Labels, List<ChunkMeta>> out = new TreeMap<>(Utf8Order.LABELS);
        int guard = 0;
        long chunkRef = 8;
        while (out.size() < n && guard++ < n * 50) {
            List<String> kv = new ArrayList<>();
            kv.add("__name__");
            kv.add(values.get(0).get(rnd.nextInt(valuesPerName)));
            for (int i = 1; i < names.length; i++) {
                if (rnd.nextInt(3) != 0) {
                    kv.add(names[i]);
                    kv.add(values.get(i).get(rnd.nextInt(valuesPerName)));
                }
            }
            if (rnd.nextInt(10) == 0) {
                kv.add("u" + rnd.nextInt(1_000_000));
                kv.add(randomString(rnd, 10));
            }
            Labels l = Labels.of(kv.toArray(new String[0]));
            if (out.containsKey(l)) {
                continue;
            }
            List<ChunkMeta> chunks = new ArrayList<>();
            long t = rnd.nextLong() % 1_000_000_000_000L;
            int nc = rnd.nextInt(4);
            for (int c = 0; c < nc; c++) {
                long mint = t + 1 + rnd.nextInt(1000);
                long maxt = mint + rnd.nextInt(7_200_000);
                chunks.add(new ChunkMeta(chunkRef, mint, maxt));
                chunkRef += 1 + rnd.nextInt(200);
                t = maxt;
            }
            out.put(l, chunks);
        }
        return out;
    }

    /** Writes the series (symbols derived from them) and returns each series' ref. */
    static Map<Labels, Long> write(Path file, TreeMap<Labels, List<ChunkMeta>> series) throws IOException {
        TreeSet<String> symbols = new TreeSet<>(Utf8Order.STRINGS);
        for (Labels l : series.keySet()) {
            l.forEach((n, v) -> {
                symbols.add(n);
                symbols.add(v);
            });
        }
        Map<Labels, Long> refs = new TreeMap<>(Utf8Order.LABELS);
        try (IndexWriter w = new IndexWriter(file)) {
            for (String s : symbols) {
                w.addSymbol(s);
            }
            for (Map.Entry<Labels, List<ChunkMeta>> e : series.entrySet()) {
                refs.put(e.getKey(), w.addSeries(e.getKey(), e.getValue()));
            }
        }
        return refs;
    }
}
