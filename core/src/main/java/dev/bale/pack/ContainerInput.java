package dev.bale.pack;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RawPixels;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A pack input that is another container: what {@code convert} reads. One reader per thread. */
public final class ContainerInput implements PackInput, AutoCloseable {
    private final Container container;
    private final Map<Thread, RecordReader> readers = new ConcurrentHashMap<>();
    private final boolean keepRaw;

    public ContainerInput(Container container) {
        this(container, false);
    }

    /**
     * @param keepRaw records that hold raw pixels are written as uncompressed PNGs (the raw pixels
     *                plus a header, nothing to inflate) instead of compressed ones
     */
    public ContainerInput(Container container, boolean keepRaw) {
        this.container = container;
        this.keepRaw = keepRaw;
    }

    private RecordReader reader() {
        return readers.computeIfAbsent(Thread.currentThread(), t -> container.newReader());
    }

    @Override
    public int size() {
        return container.size();
    }

    @Override
    public List<String> classes() {
        return container.manifest().classes();
    }

    @Override
    public String key(int index) {
        return reader().key(index);
    }

    @Override
    public int classId(int index) {
        return container.classIds()[index];
    }

    @Override
    public String describe(int index) {
        String key;
        try {
            key = key(index);
        } catch (RuntimeException e) {
            key = "?";
        }
        return container.path() + ": record " + index + " (" + key + ")";
    }

    @Override
    public long sizeHint() {
        return container.manifest().sourceBytes();
    }

    @Override
    public long recordBytes(int index) {
        try {
            return reader().read(index).remaining();
        } catch (CorruptContainerException e) {
            return 0;
        }
    }

    /** A copy: the reader's buffer is only valid until its next read. */
    @Override
    public ByteBuffer load(int index) {
        ByteBuffer bytes;
        try {
            bytes = reader().read(index);
        } catch (CorruptContainerException e) {
            throw new BadRecordException(index, describe(index), e.getMessage());
        }
        RawPixels raw = reader().rawPixels();
        if (raw != null) {
            // Decoded pixels (a pickled or raw Caffe dataset): stored as a lossless PNG, checked pixel by pixel.
            try {
                return ByteBuffer.wrap(ImageCodec.get().png(bytes, raw, keepRaw));
            } catch (RuntimeException e) {
                throw new BadRecordException(index, describe(index), e.getMessage());
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes).flip();
        return copy;
    }

    @Override
    public void close() {
        readers.values().forEach(RecordReader::close);
        readers.clear();
    }
}
