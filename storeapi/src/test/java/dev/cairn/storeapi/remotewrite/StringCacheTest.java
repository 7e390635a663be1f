package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringCacheTest {
    private static byte[] utf8(String s) {
        return ("xx" + s).getBytes(StandardCharsets.UTF_8); // at an offset
    }

    @Test
    void get_sameBytes_sameInstance_decodedAsUtf8() throws Exception {
        StringCache c = new StringCache();
        for (String s : new String[] {"", "node_cpu_seconds_total", "café", "Ā-€-😀", "x".repeat(200)}) {
            byte[] b = utf8(s);
            String first = c.get(b, 2, b.length - 2);
            assertEquals(s, first);
            String again = c.get(utf8(s), 2, b.length - 2);
            assertEquals(s, again);
            if (b.length - 2 <= StringCache.MAX_LENGTH) {
                assertSame(first, again, s);
            } else {
                assertNotSame(first, again, "long strings are not kept");
            }
        }
    }

    @Test
    void get_invalidUtf8_isRefusedEveryTime() {
        StringCache c = new StringCache();
        byte[][] bad = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xFF}};
        for (byte[] b : bad) {
            assertThrows(InvalidProtocolBufferException.class, () -> c.get(b, 0, b.length));
            assertThrows(InvalidProtocolBufferException.class, () -> c.get(b, 0, b.length));
        }
    }

    @Test
    void get_moreDistinctStringsThanCapacity_staysCorrect() throws Exception {
        StringCache c = new StringCache();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < StringCache.CAPACITY * 3; i++) {
                byte[] b = ("v" + i).getBytes(StandardCharsets.UTF_8);
                assertEquals("v" + i, c.get(b, 0, b.length));
            }
        }
    }

    @Test
    void decoderWithReuse_decodesLikeWithout_andSharesStringsAcrossRequests() throws Exception {
        dev.cairn.storeapi.pb.prometheus.WriteRequest req = dev.cairn.storeapi.pb.prometheus.WriteRequest.newBuilder()
                .addTimeseries(dev.cairn.storeapi.pb.prometheus.TimeSeries.newBuilder()
                        .addLabels(dev.cairn.storeapi.pb.prometheus.Label.newBuilder().setName("__name__").setValue("up"))
                        .addLabels(dev.cairn.storeapi.pb.prometheus.Label.newBuilder().setName("job").setValue("nödé"))
                        .addSamples(dev.cairn.storeapi.pb.prometheus.Sample.newBuilder().setTimestamp(5).setValue(1)))
                .build();
        byte[] bytes = req.toByteArray();
        WriteRequestDecoder reuse = new WriteRequestDecoder(true);
        DecodedWrite a = reuse.decode(bytes, 0, bytes.length);
        DecodedWrite b = reuse.decode(bytes, 0, bytes.length);
        DecodedWrite plain = new WriteRequestDecoder().decode(bytes, 0, bytes.length);
        assertEquals(plain.series().get(0).labels(), a.series().get(0).labels());
        assertEquals("nödé", a.series().get(0).labels().get("job"));
        assertSame(a.series().get(0).labels().get("job"), b.series().get(0).labels().get("job"));
        // invalid UTF-8 in a label value is a 400 with and without reuse
        byte[] bad = req.toByteArray();
        int at = indexOf(bad, "nödé".getBytes(StandardCharsets.UTF_8));
        bad[at + 1] = (byte) 0xC0;
        bad[at + 2] = (byte) 0x80;
        RemoteWriteException e1 = assertThrows(RemoteWriteException.class, () -> reuse.decode(bad, 0, bad.length));
        RemoteWriteException e2 = assertThrows(RemoteWriteException.class,
                () -> new WriteRequestDecoder().decode(bad, 0, bad.length));
        assertEquals(400, e1.status());
        assertEquals(e2.status(), e1.status());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
