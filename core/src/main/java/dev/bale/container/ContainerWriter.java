package dev.bale.container;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Appends records, in record order, to a new container. {@link #finish} makes it complete; a
 * writer closed without {@code finish} leaves something that does not open as a container.
 */
public interface ContainerWriter extends AutoCloseable {

    /**
     * Appends the next record. The writer has consumed {@code data} (from its position to its
     * limit) when this returns, so the caller may reuse the buffer.
     */
    void append(String key, int classId, ByteBuffer data) throws IOException;

    /** Writes the indexes and the manifest, flushes everything to disk and closes. */
    void finish() throws IOException;

    @Override
    void close() throws IOException;
}
