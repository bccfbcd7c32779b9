package dev.bale.container;

import java.nio.file.Path;

/**
 * Counts a container's open readers so that closing the container never pulls memory from under
 * one: after {@link #close}, new readers and every call of an existing one fail with an
 * {@link IllegalStateException}; the resource that backs handed-out buffers (LMDB's environment)
 * is released by whoever ends last, the container's close or the last reader's.
 */
public final class Handles {
    private final Path container;
    private final Runnable release;
    private int readers;
    private volatile boolean closed;
    private boolean released;

    /** @param release frees what readers' buffers point into; runs once, never while a reader is open */
    public Handles(Path container, Runnable release) {
        this.container = container;
        this.release = release;
    }

    /** Registers a new reader. */
    public synchronized void acquire() {
        ensureOpen();
        readers++;
    }

    /** A reader closed. */
    public void releaseReader() {
        boolean last;
        synchronized (this) {
            readers--;
            last = closed && readers == 0 && !released;
            released |= last;
        }
        if (last) {
            release.run();
        }
    }

    /** Fails if the container is closed; readers call it before each operation. */
    public void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(container + ": the container is closed");
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the container; releases now if no reader is open. Idempotent. */
    public void close() {
        boolean now;
        synchronized (this) {
            closed = true;
            now = readers == 0 && !released;
            released |= now;
        }
        if (now) {
            release.run();
        }
    }
}
