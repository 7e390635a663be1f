package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelStringCacheTest {

    private static String get(LabelStringCache cache, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        // at an offset inside a larger array, as in a request body
        byte[] body = new byte[b.length + 5];
        System.arraycopy(b, 0, body, 3, b.length);
        return cache.get(body, 3, b.length);
    }

    @Test
    void get_repeatedBytes_returnTheSameString() {
        LabelStringCache cache = new LabelStringCache();
        String a = get(cache, "node_cpu_seconds_total");
        assertEquals("node_cpu_seconds_total", a);
        assertSame(a, get(cache, "node_cpu_seconds_total"));
        assertEquals(1, cache.size());
    }

    @Test
    void get_manyDistinctStrings_staysWithinCapacityAndStaysCorrect() {
        LabelStringCache cache = new LabelStringCache(256, 64);
        assertEquals(256, cache.capacity());
        Random r = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            String s = "v" + r.nextInt(5000);
            assertEquals(s, get(cache, s));
            assertTrue(cache.size() <= 256, "size " + cache.size());
        }
        assertTrue(cache.size() > 128, "a busy cache should fill most of its slots, has " + cache.size());
    }

    @Test
    void get_capacityIsRoundedUpToAPowerOfTwo() {
        assertEquals(4, new LabelStringCache(1, 8).capacity());
        assertEquals(1024, new LabelStringCache(1000, 8).capacity());
        assertThrows(IllegalArgumentException.class, () -> new LabelStringCache(0, 8));
        assertThrows(IllegalArgumentException.class, () -> new LabelStringCache(16, -1));
    }

    @Test
    void get_stringsOverMaxLength_areDecodedButNotCached() {
        LabelStringCache cache = new LabelStringCache(64, 8);
        String longer = "abcdefghi";
        String a = get(cache, longer);
        assertEquals(longer, a);
        assertEquals(0, cache.size());
        assertEquals("abcdefgh", get(cache, "abcdefgh"));
        assertEquals(1, cache.size());
    }

    /** Two byte strings with the same 32-bit hash, found by the birthday bound. */
    private static String[] collidingPair() {
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; ; i++) {
            String s = "label_value_" + i;
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            String other = seen.putIfAbsent(LabelStringCache.hash(b, 0, b.length), s);
            if (other != null) {
                return new String[] {other, s};
            }
            if (i > 2_000_000) {
                throw new AssertionError("no 32-bit collision among 2M strings: the hash is suspiciously good");
            }
        }
    }

    @Test
    void get_stringsWithTheSameHash_areToldApart() {
        String[] pair = collidingPair();
        byte[] x = pair[0].getBytes(StandardCharsets.UTF_8);
        byte[] y = pair[1].getBytes(StandardCharsets.UTF_8);
        assertEquals(LabelStringCache.hash(x, 0, x.length), LabelStringCache.hash(y, 0, y.length));
        assertNotEquals(pair[0], pair[1]);
        LabelStringCache cache = new LabelStringCache();
        for (int round = 0; round < 3; round++) {
            assertEquals(pair[0], get(cache, pair[0]));
            assertEquals(pair[1], get(cache, pair[1]));
        }
        assertEquals(2, cache.size());
    }

    @Test
    void get_everyKeyInOneProbeWindow_evictsButNeverAnswersWrong() {
        LabelStringCache cache = new LabelStringCache(1, 64); // four slots: everything collides
        Random r = new Random(2);
        for (int i = 0; i < 10_000; i++) {
            String s = "k" + r.nextInt(40);
            assertEquals(s, get(cache, s));
        }
        assertTrue(cache.size() <= 4);
    }

    @Test
    void get_nonAscii_decodesAsUtf8() {
        LabelStringCache cache = new LabelStringCache();
        for (String s : new String[] {"ünïcødé", "日本語", "emoji \uD83D\uDE00 here", "\u0000nul", "ä"}) {
            String got = get(cache, s);
            assertEquals(s, got);
            assertSame(got, get(cache, s));
        }
    }

    @Test
    void get_invalidUtf8_isNullAsProtobufRefusesIt_andNotCached() {
        LabelStringCache cache = new LabelStringCache();
        byte[][] bad = {
            {(byte) 0xC0, (byte) 0x80}, // overlong NUL
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'a', (byte) 0xE2, (byte) 0x82}, // cut short
            {(byte) 0xFF},
        };
        for (byte[] b : bad) {
            assertTrue(!ByteString.copyFrom(b).isValidUtf8(), "protobuf refuses it too");
            assertNull(cache.get(b, 0, b.length));
            assertNull(cache.get(b, 0, b.length));
        }
        assertEquals(0, cache.size());
    }

    @Test
    void get_randomBytes_agreeWithProtobufsUtf8Check() {
        LabelStringCache cache = new LabelStringCache(64, 64);
        Random r = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(8)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (r.nextBoolean() ? 0x80 | r.nextInt(128) : r.nextInt(256));
            }
            ByteString bs = ByteString.copyFrom(b);
            String got = cache.get(b, 0, b.length);
            if (bs.isValidUtf8()) {
                assertNotNull(got);
                assertEquals(bs.toStringUtf8(), got);
            } else {
                assertNull(got);
            }
        }
    }

    @Test
    void lastFacts_tellTheNameRules() {
        LabelStringCache cache = new LabelStringCache();
        get(cache, "job");
        assertEquals(LabelStringCache.LABEL_NAME | LabelStringCache.METRIC_NAME, cache.lastFacts());
        get(cache, "ns:rule");
        assertEquals(LabelStringCache.METRIC_NAME, cache.lastFacts());
        get(cache, "9x");
        assertEquals(0, cache.lastFacts());
        get(cache, "job"); // from the cache this time
        assertEquals(LabelStringCache.LABEL_NAME | LabelStringCache.METRIC_NAME, cache.lastFacts());
        get(cache, "");
        assertEquals(LabelStringCache.EMPTY, cache.lastFacts());
    }
}
