package dev.bale.loader;

import dev.bale.nativ.BaleNative;
import dev.bale.nativ.JpegIndexStats;

/**
 * The process-wide cache of JPEG entropy indexes behind region decoding ({@code bale/jpeg_index.h}):
 * from a record's third decode on, a crop copies just its MCUs' bits instead of Huffman-decoding
 * every row above it. One cache serves every loader in the JVM; its budget decides how many records
 * of a dataset get the fast path (about 4 KB per 500×375 photo; the default, 128 MiB, holds ~40,000).
 */
public final class JpegIndexCache {
    private JpegIndexCache() {
    }

    /** What the cache holds and has done, since the process started or the budget was last changed. */
    public record Stats(long recordsIndexed, long bytesHeld, long budget, long indexedDecodes, long indexesBuilt,
            long recordsLeftOut, long unsupportedDecodes) {
    }

    /** Sets the budget in bytes (0 turns indexing off); a different budget empties the cache, the same one keeps it. */
    public static void budget(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the JPEG index budget is a number of bytes, not " + bytes);
        }
        if (stats().budget() != bytes) {
            BaleNative.set_jpeg_index_budget(bytes);
        }
    }

    public static Stats stats() {
        long[] s = JpegIndexStats.read();
        return new Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
    }
}
