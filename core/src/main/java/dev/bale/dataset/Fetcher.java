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

    /**
     * Bytes [offset, offset + length) of the object by one ranged request, retried like the others;
     * {@code check} refuses what arrived (say, a checksum mismatch) as a retryable failure. A server
     * that ignores the range is an error, not a download of the whole object.
     */
    byte[] getRange(URI uri, long offset, int length, RangeCheck check) throws IOException;

    /** Checks the bytes of a ranged read; throws to have them fetched again. */
    interface RangeCheck {
        void check(byte[] bytes) throws IOException;
    }

    /** A ranged read's bytes that failed their check: fetched again, and named if they stay wrong. */
    static IOException damaged(String what) {
        return new Retries.Failure(what, true);
    }

    @Override
    void close();
}
