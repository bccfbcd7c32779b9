package dev.bale.container;

import java.nio.ByteBuffer;

/**
 * One thread's handle for reading records. Readers are cheap to make and not thread-safe: give each
 * thread its own (it owns the per-thread LMDB transaction or SQLite connection).
 */
public interface RecordReader extends AutoCloseable {

    /**
     * The encoded bytes of record {@code index}, checksum-verified, as a read-only buffer from
     * position 0 to its limit. Where the layout allows (bin, TFRecord, LMDB) the buffer is a view
     * into the memory-mapped file, not a copy. It stays valid until the next {@code read} on this
     * reader or its close, whichever comes first; copy it to keep it longer.
     *
     * @throws IndexOutOfBoundsException  if {@code index} is not in [0, size)
     * @throws CorruptContainerException if the record is damaged; the message names it
     */
    ByteBuffer read(int index);

    /** The key of record {@code index}: the path it was packed from, relative to the source root. */
    String key(int index);

    /**
     * How the bytes the last {@link #read} returned are laid out when they are decoded pixels rather
     * than an encoded image (pickled or raw Caffe datasets); null for an encoded image. The length of
     * those bytes has been checked against the shape.
     */
    default RawPixels rawPixels() {
        return null;
    }

    @Override
    void close();
}
