package dev.bale.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory map of a whole file of any size, shared by all threads. One mapping cannot
 * pass 2 GiB, so the file is mapped in windows that start every 1 GiB and overlap by the longest
 * record: any record then lies wholly inside the window where it starts.
 */
public final class MappedFile {
    private static final long STRIDE = 1L << 30;

    private final Path path;
    private final long size;
    private final MappedByteBuffer[] windows;

    private MappedFile(Path path, long size, MappedByteBuffer[] windows) {
        this.path = path;
        this.size = size;
        this.windows = windows;
    }

    /** Maps {@code path}; no slice taken later may be longer than {@code longestSlice}. */
    public static MappedFile map(Path path, long longestSlice) throws IOException {
        if (STRIDE + longestSlice > Integer.MAX_VALUE) {
            throw new CorruptContainerException(path + ": a record longer than 1 GiB is not supported");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            int count = (int) Math.max(1, (size + STRIDE - 1) / STRIDE);
            MappedByteBuffer[] windows = new MappedByteBuffer[count];
            for (int w = 0; w < count; w++) {
                long start = w * STRIDE;
                windows[w] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(STRIDE + longestSlice, size - start));
            }
            return new MappedFile(path, size, windows);
        }
    }

    public long size() {
        return size;
    }

    /** True when [offset, offset + length) lies inside the file. */
    public boolean contains(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size - length;
    }

    /**
     * A read-only view of [offset, offset + length). Safe to call from many threads at once.
     *
     * @throws CorruptContainerException if the range is not inside the file
     */
    public ByteBuffer slice(long offset, int length) {
        if (!contains(offset, length)) {
            throw new CorruptContainerException(path + ": range [" + offset + ", " + (offset + length)
                    + ") lies outside the file (" + size + " bytes)");
        }
        MappedByteBuffer window = windows[(int) (offset / STRIDE)];
        int start = (int) (offset % STRIDE);
        if (start + length > window.capacity()) {
            throw new CorruptContainerException(path + ": a record at offset " + offset + " is longer than the index allows");
        }
        return window.slice(start, length).asReadOnlyBuffer();
    }
}
