package dev.cairn.tsdb.labels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelsTest {

    @Test
    void of_unsortedPairs_areSortedByName() {
        Labels l = Labels.of("job", "node", "__name__", "up", "instance", "a:9100");
        assertEquals("__name__", l.name(0));
        assertEquals("instance", l.name(1));
        assertEquals("job", l.name(2));
        assertEquals("node", l.get("job"));
        assertEquals("", l.get("missing"));
        assertFalse(l.has("missing"));
    }

    @Test
    void of_duplicateName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1", "a", "2"));
        assertTrue(e.getMessage().contains("duplicate label name a"));
    }

    @Test
    void toString_quotesValuesAsPrometheus() {
        Labels l = Labels.of("__name__", "m", "a", "x\"y\\z\nw");
        assertEquals("{__name__=\"m\", a=\"x\\\"y\\\\z\\nw\"}", l.toString());
    }

    @Test
    void toString_escapesWhatGoDoesNotPrint() {
        assertEquals("{a=\"\\ue000 \\u00a0 é 😀\"}", Labels.of("a", "\ue000 \u00a0 é 😀").toString());
    }

    @Test
    void compareTo_usesGoStringOrder_supplementaryAfterPrivateUse() {
        Labels bmp = Labels.of("a", "\ue000");
        Labels astral = Labels.of("a", "😀");
        assertTrue(bmp.compareTo(astral) < 0, "U+E000 sorts before U+1F600 in UTF-8 byte order");
        assertTrue(Labels.compareStrings("\uffff", "\ud800\udc00") < 0);
        assertTrue(Labels.compareStrings("a", "b") < 0);
    }

    @Test
    void equalSets_haveEqualHashes_andDifferentSetsDiffer() {
        Labels a = Labels.of("a", "1", "b", "2");
        Labels b = Labels.builder().set("b", "2").set("a", "1").build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.hash(), b.hash());
        Labels c = Labels.of("a", "12");
        Labels d = Labels.of("a", "1", "2", "");
        assertNotEquals(c.hash(), Labels.of("a", "1", "b", "2").hash());
        assertNotEquals(c, d);
    }

    @Test
    void hash_separatesNameAndValueBoundaries() {
        assertNotEquals(Labels.of("ab", "c").hash(), Labels.of("a", "bc").hash());
    }

    @Test
    void compareTo_ordersLabelByLabel_prefixFirst() {
        List<Labels> sorted = List.of(
                Labels.of("a", "1"),
                Labels.of("a", "1", "b", "1"),
                Labels.of("a", "1", "c", "0"),
                Labels.of("a", "2"),
                Labels.of("b", "0"));
        List<Labels> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(7));
        Collections.sort(shuffled);
        assertEquals(sorted, shuffled);
    }

    @Test
    void builder_emptyValueRemovesLabel() {
        Labels l = Labels.of("a", "1", "b", "2").toBuilder().set("a", "").set("c", "3").build();
        assertEquals(Labels.of("b", "2", "c", "3"), l);
    }

    @Test
    void symbolTable_sharesStrings() {
        SymbolTable t = new SymbolTable();
        Labels a = t.intern(Labels.of("job", new String("node")));
        Labels b = t.intern(Labels.of("job", new String("node")));
        assertSame(a.value(0), b.value(0));
        assertEquals(2, t.size());
    }
}
