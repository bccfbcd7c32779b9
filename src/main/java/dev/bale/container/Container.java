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

    @Override
    void close();
}
