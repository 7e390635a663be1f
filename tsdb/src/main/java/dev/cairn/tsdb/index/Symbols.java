package dev.cairn.tsdb.index;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.SymbolTable;

/**
 * The symbol table of an index file, read side: checksum verified once at open, then each symbol
 * decoded on first use and kept, so every series that refers to a symbol gets the same String.
 * Costs 4 bytes per symbol for its offset plus the strings looked up so far.
 */
final class Symbols {
    private final ByteReader file;
    private final int[] offsets;
    private final String[] decoded;
    private final SymbolTable interner;

    /**
     * @param file     the whole index file
     * @param at       offset of the table's length field
     * @param interner shared interner for strings across blocks, or null
     */
    Symbols(ByteReader file, long at, SymbolTable interner) {
        this.file = file;
        this.interner = interner;
        ByteReader body = IndexReader.section(file, at, "symbol table");
        int count = body.getBE32();
        if (count < 0 || count > body.remaining()) {
            throw body.corrupt("symbol count " + Integer.toUnsignedString(count) + " impossible for "
                    + body.remaining() + " bytes of symbols");
        }
        int base = (int) (body.base() - file.base());
        offsets = new int[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = base + body.position();
            int n = body.getUvarintInt();
            body.skip(n);
        }
        decoded = new String[count];
    }

    int size() {
        return offsets.length;
    }

    /**
     * The symbol with ref {@code ref}.
     *
     * @param where file offset of the bytes that named {@code ref}, for the error
     */
    String lookup(long ref, long where) {
        if (ref < 0 || ref >= offsets.length) {
            throw new CorruptionException(file.file(), where, "symbol ref " + ref + " out of range: the symbol table has "
                    + offsets.length + " symbols");
        }
        int i = (int) ref;
        String s = decoded[i];
        if (s == null) {
            ByteReader r = file.slice(offsets[i], file.limit() - offsets[i]);
            s = r.getUvarintString();
            if (interner != null) {
                s = interner.intern(s);
            }
            // a benign race: two threads may decode the same symbol; either String is correct
            decoded[i] = s;
        }
        return s;
    }
}
