package dev.bale.dataset;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Reads objects from a remote store, retrying what may pass (5xx, resets, timeouts, short bodies). */
public interface Fetcher extends AutoCloseable {

    /** The whole object, refused if it is larger than {@code maxBytes}. */
    byte[] get(URI uri, long maxBytes) throws IOException;

    /**
     * Writes the object to {@code target} (created or replaced); exactly {@code bytes} bytes are
     * expected: more is refused as soon as it arrives, fewer is a short body and retried.
     */
    void download(URI uri, Path target, long bytes) throws IOException;

    @Override
    void close();
}
