package dev.bale.loader;

import dev.bale.nativ.BaleNative;
import dev.bale.nativ.JpegIndexStats;

/**
 * The process-wide cache of JPEG entropy indexes behind region decoding ({@code bale/jpeg_index.h}):
 * once a record is indexed (on one of its decodes 2 to 5), a crop copies just its MCUs' bits instead
 * of Huffman-decoding every row above it. One cache serves every loader in the JVM; its budget decides how many records
 * of a dataset get the fast path (about 4 KB per 500×375 photo; the default, 128 MiB, holds ~40,000).
 */
public final class JpegIndexCache {
    /** {@code kDefaultJpegIndexSpread} of {@code bale/jpeg_index.h}. */
    public static final int DEFAULT_SPREAD = 4;

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

    /** Empties the cache, keeping its budget. */
    public static void clear() {
        BaleNative.set_jpeg_index_budget(stats().budget());
    }

    /**
     * Over how many epochs building the indexes is shared out (default 4): a record is indexed on one
     * of its decodes 2 .. epochs + 1, picked by its hash, so no epoch pays every Huffman pass at once.
     * 1 indexes every record on its second decode.
     */
    public static void spread(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("the JPEG index spread is at least one epoch, not " + epochs);
        }
        BaleNative.set_jpeg_index_spread(epochs);
    }

    public static Stats stats() {
        long[] s = JpegIndexStats.read();
        return new Stats(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
    }
}
