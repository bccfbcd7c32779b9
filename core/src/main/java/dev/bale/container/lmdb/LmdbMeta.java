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
    /** mm_dbs[MAIN_DBI].md_root: the page holding the named databases' records. */
    private static final int MAIN_ROOT_AT = PAGE_HEADER + 112;
    private static final long P_INVALID = -1L;
    private static final int P_LEAF = 0x02;
    private static final int F_SUBDATA = 0x02;
    private static final int DB_RECORD = 48;
    private static final int DB_DEPTH_AT = 6;
    private static final int DB_ROOT_AT = 40;

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
            checkNamedDatabases(channel, file, newest.getLong(MAIN_ROOT_AT), pageSize, lastPage);
            return size;
        }
    }

    /**
     * LMDB asserts (and so aborts the whole process) on some damage instead of returning an error:
     * a database root of page 0 or 1, for one. Before LMDB looks, the main database's root page and
     * the root of every named database it lists are checked here.
     */
    private static void checkNamedDatabases(FileChannel channel, Path file, long mainRoot, int pageSize, long lastPage)
            throws IOException {
        if (mainRoot == P_INVALID) {
            return; // no named databases: opening them fails with an error
        }
        if (!validRoot(mainRoot, lastPage)) {
            throw new CorruptContainerException(file + ": LMDB meta page names page " + mainRoot
                    + " as the main database's root (pages 2.." + lastPage + " exist)");
        }
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(ByteOrder.nativeOrder());
        while (page.hasRemaining() && channel.read(page, mainRoot * pageSize + page.position()) >= 0) {
            // read the whole page
        }
        String where = file + ": LMDB main database page " + mainRoot;
        if (page.getLong(0) != mainRoot) {
            throw new CorruptContainerException(where + ": page header says page " + page.getLong(0));
        }
        if ((page.getShort(10) & P_LEAF) == 0) {
            return; // a branch page: only with many named databases, never in a Bale environment
        }
        int lower = page.getShort(12) & 0xFFFF;
        int upper = page.getShort(14) & 0xFFFF;
        if (lower < PAGE_HEADER || lower > upper || upper > pageSize) {
            throw new CorruptContainerException(where + ": impossible free space bounds " + lower + ".." + upper);
        }
        int keys = (lower - PAGE_HEADER) / 2;
        for (int k = 0; k < keys; k++) {
            int node = page.getShort(PAGE_HEADER + 2 * k) & 0xFFFF;
            if (node < upper || node + 8 > pageSize) {
                throw new CorruptContainerException(where + ": node " + k + " at " + node + " lies outside the page");
            }
            int dataSize = (page.getShort(node) & 0xFFFF) | (page.getShort(node + 2) & 0xFFFF) << 16;
            int flags = page.getShort(node + 4) & 0xFFFF;
            int keySize = page.getShort(node + 6) & 0xFFFF;
            int data = node + 8 + keySize;
            if ((flags & F_SUBDATA) == 0) {
                continue;
            }
            if (dataSize != DB_RECORD || data + DB_RECORD > pageSize) {
                throw new CorruptContainerException(where + ": named database " + k + " has a record of " + dataSize + " bytes");
            }
            long root = page.getLong(data + DB_ROOT_AT);
            int depth = page.getShort(data + DB_DEPTH_AT) & 0xFFFF;
            if (root != P_INVALID && (!validRoot(root, lastPage) || depth < 1 || depth > 64)) {
                throw new CorruptContainerException(where + ": named database " + k + " has root page " + root
                        + " and depth " + depth + " (pages 2.." + lastPage + " exist)");
            }
        }
    }

    private static boolean validRoot(long page, long lastPage) {
        return page >= 2 && page <= lastPage;
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
