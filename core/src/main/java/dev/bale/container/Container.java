package dev.bale.container;

import java.nio.file.Path;

/**
 * An open container of encoded images. Thread-safe; reading goes through per-thread
 * {@link RecordReader}s. Closing it invalidates every buffer its readers handed out.
 */
public interface Container extends AutoCloseable {

    Path path();

    Layout layout();

    Manifest manifest();

    /** Number of records. */
    default int size() {
        return manifest().count();
    }

    /** The class id of every record, in record order. The array is shared: do not modify it. */
    int[] classIds();

    /** A new reader for the calling thread. */
    RecordReader newReader();

    /** Bytes on disk of every file that makes up the container. */
    long bytesOnDisk();

    /**
     * True when the container's metadata (manifest, indexes, keys, class ids) carries checksums
     * recorded at pack time, checked on open or by {@link #verifyMetadata}. False for containers
     * written before Bale recorded them, and for foreign data that has none.
     */
    default boolean metadataChecksummed() {
        return false;
    }

    /**
     * Checks the whole metadata files a user or a script may read besides what {@link #newReader}
     * serves (for a bin container {@code index.tsv} and {@code keys.txt}): what {@code verify} runs.
     * Each problem names the file and what is wrong; empty when all is well.
     */
    default java.util.List<String> verifyMetadata() {
        return java.util.List.of();
    }

    /**
     * Closes the container. Readers still open keep what they hold valid until they are closed
     * (LMDB's environment is closed by the last one); every later call on them, and every later
     * {@link #newReader}, fails with an {@link IllegalStateException} naming the container.
     */
    @Override
    void close();
}
