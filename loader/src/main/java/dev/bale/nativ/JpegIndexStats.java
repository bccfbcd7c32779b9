package dev.bale.nativ;

import org.bytedeco.javacpp.LongPointer;

/** Reads {@code bale::jpeg_index_stats} ({@code native/include/bale/jpeg_index.h}). */
public final class JpegIndexStats {
    private JpegIndexStats() {
    }

    /**
     * The counters, in the header's order: records indexed, bytes held, budget, region decodes
     * through an index, indexes built (Huffman passes), records left unindexed for lack of room,
     * region decodes of JPEGs the index does not handle.
     */
    public static long[] read() {
        long[] out = new long[7];
        try (LongPointer p = new LongPointer(7)) {
            BaleNative.jpeg_index_stats(p);
            p.get(out);
        }
        return out;
    }
}
