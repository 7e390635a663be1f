package dev.cairn.tsdb.bucket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Bucket} contract, run against every implementation: a subclass only says how to make a
 * fresh, empty bucket (as Lucene's {@code BasePostingsFormatTestCase} subclasses only name a codec).
 */
public abstract class BucketContract {
    /** Bigger than two 5 MiB parts, so an S3 bucket with the minimum part size uploads three parts. */
    protected static final int LARGE = (11 << 20) + 123;

    protected Bucket bucket;

    @TempDir
    protected Path tmp;

    /** A new, empty bucket; closed after each test. */
    protected abstract Bucket newBucket() throws Exception;

    @BeforeEach
    void openBucket() throws Exception {
        bucket = newBucket();
    }

    @AfterEach
    void closeBucket() throws IOException {
        bucket.close();
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected void put(String name, String content) throws IOException {
        byte[] b = bytes(content);
        bucket.upload(name, new ByteArrayInputStream(b), b.length);
    }

    protected static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    protected String getString(String name) throws IOException {
        return new String(read(bucket.get(name)), StandardCharsets.UTF_8);
    }

    protected String range(String name, long off, long len) throws IOException {
        return new String(read(bucket.getRange(name, off, len)), StandardCharsets.UTF_8);
    }

    @Test
    void missingObject_isTypedNotFound_andDoesNotExist() throws IOException {
        ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> bucket.get("id1/obj_1.some"));
        assertEquals("id1/obj_1.some", e.object());
        assertTrue(e.getMessage().contains("id1/obj_1.some") && e.getMessage().contains(bucket.name()), e.getMessage());
        assertThrows(ObjectNotFoundException.class, () -> bucket.getRange("id1/obj_1.some", 0, 3));
        assertThrows(ObjectNotFoundException.class, () -> bucket.getRange("id1/obj_1.some", 0, 0));
        assertThrows(ObjectNotFoundException.class, () -> bucket.attributes("id1/obj_1.some"));
        assertFalse(bucket.exists("id1/obj_1.some"));
    }

    @Test
    void upload_thenGet_returnsTheSameBytes_andAttributes() throws IOException {
        byte[] all = new byte[256 * 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Instant before = Instant.now().minusSeconds(2);
        bucket.upload("a/b/binary", new ByteArrayInputStream(all), all.length);
        Instant after = Instant.now().plusSeconds(2);

        assertArrayEquals(all, read(bucket.get("a/b/binary")));
        assertTrue(bucket.exists("a/b/binary"));
        ObjectAttributes a = bucket.attributes("a/b/binary");
        assertEquals(all.length, a.size());
        assertTrue(!a.lastModified().isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                && a.lastModified().isBefore(after), "lastModified " + a.lastModified() + " not near now");
    }

    @Test
    void emptyObject_roundTrips() throws IOException {
        bucket.upload("empty", InputStream.nullInputStream(), 0);
        assertTrue(bucket.exists("empty"));
        assertEquals(0, bucket.attributes("empty").size());
        assertEquals(0, read(bucket.get("empty")).length);
        assertEquals(0, read(bucket.getRange("empty", 0, 10)).length);
    }

    @Test
    void getRange_returnsTheWindow_clippedToTheObject() throws IOException {
        put("id1/obj_1.some", "@test-data@");
        assertEquals("tes", range("id1/obj_1.some", 1, 3));
        assertEquals("test-data@", range("id1/obj_1.some", 1, -1));
        assertEquals("st-data@", range("id1/obj_1.some", 3, 9999));
        assertEquals("@test-data@", range("id1/obj_1.some", 0, Long.MAX_VALUE));
        assertEquals("@", range("id1/obj_1.some", 10, 1));
        assertEquals("", range("id1/obj_1.some", 4, 0));
        assertEquals("", range("id1/obj_1.some", 11, 5), "offset at the end");
        assertEquals("", range("id1/obj_1.some", 124141, 3), "offset past the end");
        assertThrows(IllegalArgumentException.class, () -> bucket.getRange("id1/obj_1.some", -1, 3));
        assertThrows(IllegalArgumentException.class, () -> bucket.getRange("id1/obj_1.some", 0, -2));
    }

    @Test
    void iter_listsObjectsAndPrefixes_inByteOrder() throws IOException {
        for (String n : List.of("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/subobj_1.some",
                "id1/sub/subobj_2.some", "id2/obj_4.some", "obj_5.some", "Z top", "\u00e9t\u00e9/x")) {
            put(n, "@" + n + "@");
        }
        // 'Z' (0x5A) < 'i' < 'o' < 'é' (UTF-8 0xC3 0xA9): byte order, objects and prefixes merged
        assertEquals(List.of("Z top", "id1/", "id2/", "obj_5.some", "\u00e9t\u00e9/"), bucket.list("", false));
        assertEquals(List.of("Z top", "id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/subobj_1.some",
                "id1/sub/subobj_2.some", "id2/obj_4.some", "obj_5.some", "\u00e9t\u00e9/x"), bucket.list("", true));
        List<String> id1 = List.of("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/");
        assertEquals(id1, bucket.list("id1/", false));
        assertEquals(id1, bucket.list("id1", false), "a directory without its trailing slash");
        List<String> id1Rec = List.of("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/subobj_1.some",
                "id1/sub/subobj_2.some");
        assertEquals(id1Rec, bucket.list("id1", true));
        assertEquals(List.of("id1/sub/subobj_1.some", "id1/sub/subobj_2.some"), bucket.list("id1/sub/", false));
        assertEquals(List.of(), bucket.list("id0", false), "a missing directory lists nothing");
        assertEquals(List.of(), bucket.list("id0", true));
        assertEquals(List.of(), bucket.list("obj_5.some", false), "an object is not a directory");
        assertEquals(List.of(), bucket.list("id", false), "a prefix of a name is not a directory");
        assertEquals("@\u00e9t\u00e9/x@", getString("\u00e9t\u00e9/x"));
    }

    @Test
    void iter_visitorException_stopsTheListing() throws IOException {
        put("a", "1");
        put("b", "2");
        int[] seen = {0};
        IOException e = assertThrows(IOException.class, () -> bucket.iter("", false, n -> {
            seen[0]++;
            throw new IOException("stop at " + n);
        }));
        assertEquals("stop at a", e.getMessage());
        assertEquals(1, seen[0]);
    }

    @Test
    void upload_replacesAnExistingObject() throws IOException {
        put("id1/obj_2.some", "@test-data2@");
        put("id1/obj_2.some", "@test-data2@");
        assertEquals("@test-data2@", getString("id1/obj_2.some"));
        put("id1/obj_2.some", "shorter");
        assertEquals("shorter", getString("id1/obj_2.some"));
        assertEquals(7, bucket.attributes("id1/obj_2.some").size());
        assertEquals(List.of("id1/obj_2.some"), bucket.list("", true));
    }

    @Test
    void delete_removesTheObject_andItsEmptyPrefix() throws IOException {
        put("id1/obj_1.some", "1");
        put("id1/sub/obj_2.some", "2");
        put("id2/obj_3.some", "3");
        bucket.delete("id1/sub/obj_2.some");
        assertFalse(bucket.exists("id1/sub/obj_2.some"));
        assertEquals(List.of("id1/obj_1.some"), bucket.list("id1", false));
        bucket.delete("id2/obj_3.some");
        assertEquals(List.of("id1/"), bucket.list("", false));
        bucket.delete("id2/obj_3.some"); // deleting a missing object succeeds
        bucket.delete("id1"); // a prefix is not an object: nothing happens
        assertEquals("1", getString("id1/obj_1.some"));
    }

    @Test
    void upload_ofAShortStream_failsAndStoresNothing() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> bucket.upload("short", new ByteArrayInputStream(bytes("abc")), 10));
        assertTrue(e.getMessage().contains("upload short to bucket " + bucket.name()), e.getMessage());
        assertFalse(bucket.exists("short"));
        assertEquals(List.of(), bucket.list("", true));
    }

    @Test
    void upload_fromAFile() throws IOException {
        Path f = tmp.resolve("index");
        Files.write(f, bytes("index bytes"));
        bucket.upload("01ABC/index", f);
        assertEquals("index bytes", getString("01ABC/index"));
        IOException e = assertThrows(IOException.class, () -> bucket.upload("x", tmp.resolve("missing")));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void largeObject_byStreamAndByFile_roundTrips() throws IOException {
        byte[] big = new byte[LARGE];
        new Random(42).nextBytes(big);
        bucket.upload("big/stream", new ByteArrayInputStream(big), big.length);
        Path f = tmp.resolve("big");
        Files.write(f, big);
        bucket.upload("big/file", f);
        for (String n : List.of("big/stream", "big/file")) {
            assertEquals(LARGE, bucket.attributes(n).size(), n);
            assertArrayEquals(big, read(bucket.get(n)), n);
            int off = (5 << 20) - 7; // straddles the first part boundary
            byte[] want = java.util.Arrays.copyOfRange(big, off, off + 100);
            assertArrayEquals(want, read(bucket.getRange(n, off, 100)), n);
        }
    }

    @Test
    void invalidNames_areRejected() {
        for (String n : new String[]{"", "/a", "a/", "a//b", "../x", "a/./b", "a/.."}) {
            assertThrows(IllegalArgumentException.class, () -> bucket.get(n), n);
            assertThrows(IllegalArgumentException.class,
                    () -> bucket.upload(n, InputStream.nullInputStream(), 0), n);
        }
    }

    @Test
    void concurrentUploadsAndDeletes_inOnePrefix_allLand() throws Exception {
        int threads = 4;
        int perThread = 10;
        List<Thread> ts = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        put("p/q/t" + id + "-" + i, "v" + i);
                        put("p/q/scratch" + id, "s");
                        bucket.delete("p/q/scratch" + id); // may prune p/q/ while others upload into it
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(Duration.ofSeconds(60).toMillis());
        }
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        assertEquals(threads * perThread, bucket.list("p/q", false).size());
    }
}
