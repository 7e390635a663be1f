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
    private final ByteReader body;
    private final int[] offsets;
    private final String[] decoded;
    private final SymbolTable interner;

    /**
     * @param body     the table after its length field, checksum verified
     * @param interner shared interner for strings across blocks, or null
     */
    Symbols(ByteReader body, SymbolTable interner) {
        this.body = body;
        this.interner = interner;
        ByteReader r = body.slice(0, body.limit());
        int count = r.getBE32();
        if (count < 0 || count > r.remaining()) {
            throw r.corrupt("symbol count " + Integer.toUnsignedString(count) + " impossible for "
                    + r.remaining() + " bytes of symbols");
        }
        offsets = new int[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = r.position();
            int n = r.getUvarintInt();
            r.skip(n);
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " bytes after the last of " + count + " symbols");
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
            throw new CorruptionException(body.file(), where, "symbol ref " + ref + " out of range: the symbol table has "
                    + offsets.length + " symbols");
        }
        int i = (int) ref;
        String s = decoded[i];
        if (s == null) {
            s = body.slice(offsets[i], body.limit() - offsets[i]).getUvarintString();
            if (interner != null) {
                s = interner.intern(s);
            }
            // a benign race: two threads may decode the same symbol; either String is correct
            decoded[i] = s;
        }
        return s;
    }
}
