package dev.bale.container.lmdb;

import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads LMDB's two meta pages before LMDB does, to refuse a truncated file: LMDB maps the file and
 * would touch pages past its end, which kills the JVM with SIGBUS instead of raising an error.
 * Offsets follow LMDB's on-disk MDB_meta for 64-bit builds.
 */
public final class LmdbMeta {
    private static final int MAGIC = 0xBEEFC0DE;
    private static final int PAGE_HEADER = 16;
    private static final int MAGIC_AT = PAGE_HEADER;
    /** mm_dbs[FREE_DBI].md_pad holds the page size. */
    private static final int PAGE_SIZE_AT = PAGE_HEADER + 24;
    private static final int LAST_PAGE_AT = PAGE_HEADER + 120;
    private static final int TXN_ID_AT = PAGE_HEADER + 128;

    private LmdbMeta() {
    }

    /** Returns the file's size once it is known to hold every page its newest meta page names. */
    public static long checkNotTruncated(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer first = readAt(channel, 0, size, file);
            int pageSize = first.getInt(PAGE_SIZE_AT);
            if (pageSize < 512 || pageSize > (1 << 16) || Integer.bitCount(pageSize) != 1) {
                throw new CorruptContainerException(file + ": LMDB meta page gives a page size of " + pageSize);
            }
            ByteBuffer second = readAt(channel, pageSize, size, file);
            ByteBuffer newest = second.getLong(TXN_ID_AT) > first.getLong(TXN_ID_AT) ? second : first;
            long lastPage = newest.getLong(LAST_PAGE_AT);
            long needed = (lastPage + 1) * pageSize;
            if (lastPage < 1 || size < needed) {
                throw new CorruptContainerException(file + ": truncated: LMDB needs " + needed
                        + " bytes, the file has " + size);
            }
            return size;
        }
    }

    private static ByteBuffer readAt(FileChannel channel, long offset, long size, Path file) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(TXN_ID_AT + Long.BYTES).order(ByteOrder.nativeOrder());
        if (offset + page.capacity() > size) {
            throw new CorruptContainerException(file + ": truncated: too short for LMDB's meta pages (" + size + " bytes)");
        }
        while (page.hasRemaining()) {
            if (channel.read(page, offset + page.position()) < 0) {
                break;
            }
        }
        if (page.getInt(MAGIC_AT) != MAGIC) {
            throw new CorruptContainerException(file + ": not an LMDB file (bad meta page magic at offset " + offset + ")");
        }
        return page;
    }
}
