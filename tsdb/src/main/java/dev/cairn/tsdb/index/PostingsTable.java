package dev.cairn.tsdb.index;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The postings offset table, read side: (name, value) → offset of the postings list, sorted by name
 * then value. Checked once at open (checksum, entry shape, order). Memory stays small as in
 * Prometheus: per label name, the position of every {@value #SAMPLE}th entry; a lookup binary-searches
 * those samples comparing raw UTF-8 bytes, then scans at most {@value #SAMPLE} entries.
 */
final class PostingsTable {
    static final int SAMPLE = 32;

    /** Entries of one label name: {@code count} entries, samples {@code [firstSample, firstSample+ceil(count/32))}. */
    private record Name(String name, int firstSample, int count) {
    }

    private final ByteReader body;
    private final Map<String, Name> byName = new HashMap<>();
    private final List<String> names;
    /** Offsets, relative to the table body, of sampled entries. */
    private final int[] samples;

    /** @param body the table after its length field, checksum verified */
    PostingsTable(ByteReader body) {
        this.body = body;
        ByteReader r = body.slice(0, body.limit());
        int count = r.getBE32();
        if (count < 0 || count > r.remaining() / 4) {
            throw r.corrupt("postings offset table entry count " + Integer.toUnsignedString(count)
                    + " impossible for " + r.remaining() + " bytes");
        }
        List<String> nameList = new ArrayList<>();
        int[] s = new int[count / SAMPLE + 16];
        int ns = 0;
        int prevNameStart = -1;
        int prevNameLen = 0;
        int prevValueStart = -1;
        int prevValueLen = 0;
        String curName = null;
        int curFirstSample = 0;
        int curCount = 0;
        ByteBuffer buf = body.buffer();
        for (int e = 0; e < count; e++) {
            int entryPos = r.position();
            if (r.getUvarint() != 2) {
                throw corrupt(entryPos, "postings offset table entry with a key count other than 2");
            }
            int nameLen = r.getUvarintInt();
            int nameStart = r.position();
            r.skip(nameLen);
            int valueLen = r.getUvarintInt();
            int valueStart = r.position();
            r.skip(valueLen);
            r.getUvarint();
            boolean newName = prevNameStart < 0 || compare(buf, nameStart, nameLen, prevNameStart, prevNameLen) != 0;
            if (newName) {
                if (prevNameStart >= 0 && compare(buf, nameStart, nameLen, prevNameStart, prevNameLen) < 0) {
                    throw corrupt(entryPos, "postings offset table names out of order");
                }
                if (curName != null) {
                    addName(nameList, curName, curFirstSample, curCount);
                }
                byte[] nameBytes = new byte[nameLen];
                buf.get(nameStart, nameBytes);
                curName = new String(nameBytes, StandardCharsets.UTF_8);
                curFirstSample = ns;
                curCount = 0;
            } else if (compare(buf, valueStart, valueLen, prevValueStart, prevValueLen) <= 0) {
                throw corrupt(entryPos, "postings offset table values of " + curName + " out of order or repeated");
            }
            if (curCount % SAMPLE == 0) {
                if (ns == s.length) {
                    s = Arrays.copyOf(s, s.length * 2);
                }
                s[ns++] = entryPos;
            }
            curCount++;
            prevNameStart = nameStart;
            prevNameLen = nameLen;
            prevValueStart = valueStart;
            prevValueLen = valueLen;
        }
        if (curName != null) {
            addName(nameList, curName, curFirstSample, curCount);
        }
        names = List.copyOf(nameList);
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " bytes after the last postings offset table entry");
        }
        samples = Arrays.copyOf(s, ns);
    }

    private CorruptionException corrupt(int at, String what) {
        return new CorruptionException(body.file(), body.base() + at, what);
    }

    private void addName(List<String> nameList, String name, int firstSample, int count) {
        byName.put(name, new Name(name, firstSample, count));
        nameList.add(name);
    }

    /** Every label name, the all-postings name "" included, sorted. */
    List<String> names() {
        return names;
    }

    boolean hasName(String name) {
        return byName.containsKey(name);
    }

    /** The sorted values of {@code name}; empty when the name is absent. */
    List<String> values(String name) {
        Name n = byName.get(name);
        if (n == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(n.count);
        ByteReader r = reader(samples[n.firstSample]);
        for (int i = 0; i < n.count; i++) {
            r.getUvarint();
            r.skip(r.getUvarintInt());
            out.add(r.getUvarintString());
            r.getUvarint();
        }
        return out;
    }

    /** Offset of the postings list of {@code name=value}, or -1 when there is none. */
    long offset(String name, byte[] value) {
        Name n = byName.get(name);
        if (n == null) {
            return -1;
        }
        // the table passed its checksum and a full parse at open: decode without bounds checks
        ByteBuffer buf = body.buffer();
        int nSamples = (n.count + SAMPLE - 1) / SAMPLE;
        // the last sample whose value is <= the wanted one
        int lo = 0;
        int hi = nSamples - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int p = skipName(buf, samples[n.firstSample + mid]);
            int len = uvarintInt(buf, p);
            p += uvarintSize(buf, p);
            int c = compare(buf, p, len, value);
            if (c == 0) {
                return uvarint(buf, p + len);
            } else if (c < 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return -1;
        }
        int p = samples[n.firstSample + found];
        int left = Math.min(SAMPLE, n.count - found * SAMPLE);
        for (int i = 0; i < left; i++) {
            p = skipName(buf, p);
            int len = uvarintInt(buf, p);
            p += uvarintSize(buf, p);
            int c = compare(buf, p, len, value);
            p += len;
            if (c == 0) {
                return uvarint(buf, p);
            } else if (c > 0) {
                return -1;
            }
            p += uvarintSize(buf, p);
        }
        return -1;
    }

    /** From an entry's start, the position of its value's length. */
    private static int skipName(ByteBuffer buf, int p) {
        p += uvarintSize(buf, p); // key count
        int nameLen = uvarintInt(buf, p);
        return p + uvarintSize(buf, p) + nameLen;
    }

    private static int uvarintSize(ByteBuffer buf, int p) {
        int n = 1;
        while ((buf.get(p + n - 1) & 0x80) != 0) {
            n++;
        }
        return n;
    }

    private static long uvarint(ByteBuffer buf, int p) {
        long x = 0;
        int shift = 0;
        while (true) {
            int b = buf.get(p++) & 0xFF;
            x |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                return x;
            }
            shift += 7;
        }
    }

    private static int uvarintInt(ByteBuffer buf, int p) {
        return (int) uvarint(buf, p);
    }

    /** Receives one table entry. */
    interface EntryConsumer {
        void accept(String name, String value, long offset, long entryAt);
    }

    /** Every entry in table order, decoded; for verification, not for queries. */
    void forEach(EntryConsumer c) {
        for (String name : names) {
            Name n = byName.get(name);
            ByteReader r = reader(samples[n.firstSample]);
            for (int i = 0; i < n.count; i++) {
                long at = r.base() + r.position();
                r.getUvarint();
                r.skip(r.getUvarintInt());
                String value = r.getUvarintString();
                c.accept(name, value, r.getUvarint(), at);
            }
        }
    }

    private ByteReader reader(int at) {
        return body.slice(at, body.limit() - at);
    }

    /** Unsigned byte order of {@code buf[a, a+al)} against {@code buf[b, b+bl)}. */
    private static int compare(ByteBuffer buf, int a, int al, int b, int bl) {
        int n = Math.min(al, bl);
        for (int i = 0; i < n; i++) {
            int c = (buf.get(a + i) & 0xFF) - (buf.get(b + i) & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return al - bl;
    }

    private static int compare(ByteBuffer buf, int a, int al, byte[] b) {
        int n = Math.min(al, b.length);
        for (int i = 0; i < n; i++) {
            int c = (buf.get(a + i) & 0xFF) - (b[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return al - b.length;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
