package dev.cairn.tsdb.block;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UlidTest {
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /** Decodes base32 through BigInteger, independently of Ulid's bit shuffling. */
    private static BigInteger slowDecode(String s) {
        BigInteger v = BigInteger.ZERO;
        for (char c : s.toCharArray()) {
            v = v.shiftLeft(5).add(BigInteger.valueOf(ALPHABET.indexOf(Character.toUpperCase(c))));
        }
        return v;
    }

    @Test
    void parse_specExample_matchesBigIntegerDecoding() {
        String s = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
        Ulid u = Ulid.parse(s);
        BigInteger want = slowDecode(s);
        assertEquals(want.shiftRight(64).longValue(), u.msb());
        assertEquals(want.longValue(), u.lsb());
        assertEquals(slowDecode(s.substring(0, 10)).longValueExact(), u.time());
        assertEquals(s, u.toString());
    }

    @Test
    void parse_lowerCase_isAccepted() {
        assertEquals(Ulid.parse("01ARZ3NDEKTSV4RRFFQ69G5FAV"), Ulid.parse("01arz3ndektsv4rrffq69g5fav"));
    }

    @Test
    void parse_badText_isRejectedWithReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ulid.parse("01ARZ3"))
                .getMessage().contains("want 26"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ulid.parse("01ARZ3NDEKTSV4RRFFQ69G5FAU"))
                .getMessage().contains("'U'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ulid.parse("80000000000000000000000000"))
                .getMessage().contains("overflows"));
        assertFalse(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FA"));
        assertFalse(Ulid.isValid("01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp-for-creation".substring(0, 26).replace('V', 'I')));
        assertTrue(Ulid.isValid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
    }

    @Test
    void toString_randomValues_roundTripAndSortLikeNumbers() {
        Random r = new Random(42);
        List<Ulid> ids = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Ulid u = Ulid.of(r.nextLong() >>> 16, r);
            assertEquals(u, Ulid.parse(u.toString()));
            ids.add(u);
        }
        for (int i = 1; i < ids.size(); i++) {
            Ulid a = ids.get(i - 1);
            Ulid b = ids.get(i);
            assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(a.toString().compareTo(b.toString())),
                    a + " vs " + b);
        }
    }

    @Test
    void generate_sameMillisecond_isStrictlyIncreasing() {
        long now = System.currentTimeMillis();
        Ulid prev = Ulid.generate(now);
        for (int i = 0; i < 1000; i++) {
            Ulid next = Ulid.generate(now);
            assertTrue(next.compareTo(prev) > 0, prev + " then " + next);
            assertTrue(next.toString().compareTo(prev.toString()) > 0);
            prev = next;
        }
        // The clock stepping back must not break the order either.
        Ulid earlier = Ulid.generate(now - 10_000);
        assertTrue(earlier.compareTo(prev) > 0);
    }

    @Test
    void generate_carriesTimeIntoTheText() {
        long t = 1_700_000_000_123L;
        Ulid u = Ulid.of(t, new Random(1));
        assertEquals(t, u.time());
        assertEquals(t, slowDecode(u.toString().substring(0, 10)).longValueExact());
    }
}
