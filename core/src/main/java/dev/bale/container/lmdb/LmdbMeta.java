package dev.bale.container.lmdb;

import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * LMDB's two meta pages, read and checked before LMDB opens the file, and the main database's
 * record from the one LMDB will use. A truncated file matters most: LMDB maps the file and would
 * touch pages past its end, which kills the JVM with SIGBUS instead of raising an error.
 * Offsets follow LMDB's on-disk MDB_meta for 64-bit builds (liblmdb 0.9, mdb_env_read_header and
 * mdb_env_pick_meta): the page size is meta page 0's, meta page 1 lies one page further, and the
 * meta with the larger transaction id (unsigned; page 0 on a tie) is the one read.
 */
final class LmdbMeta {
    static final int PAGE_HEADER = 16;
    private static final int MAGIC = 0xBEEFC0DE;
    private static final int MAGIC_AT = PAGE_HEADER;
    /** mm_dbs[FREE_DBI].md_pad holds the page size. */
    private static final int PAGE_SIZE_AT = PAGE_HEADER + 24;
    private static final int MAIN_DB_AT = PAGE_HEADER + 72;
    private static final int LAST_PAGE_AT = PAGE_HEADER + 120;
    private static final int TXN_ID_AT = PAGE_HEADER + 128;

    final Path file;
    final long fileSize;
    final int pageSize;
    final long lastPage;
    /** mm_dbs[MAIN_DBI]: the unnamed database, which lists the named ones. */
    final DbRecord main;

    private LmdbMeta(Path file, long fileSize, int pageSize, long lastPage, DbRecord main) {
        this.file = file;
        this.fileSize = fileSize;
        this.pageSize = pageSize;
        this.lastPage = lastPage;
        this.main = main;
    }

    static LmdbMeta read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        ByteBuffer first = readAt(channel, 0, size, file);
        int pageSize = first.getInt(PAGE_SIZE_AT);
        checkPageSize(pageSize, file, 0);
        ByteBuffer second = readAt(channel, pageSize, size, file);
        ByteBuffer newest = Long.compareUnsigned(first.getLong(TXN_ID_AT), second.getLong(TXN_ID_AT)) < 0 ? second : first;
        // LMDB takes its page size from the newest meta but found meta page 1 with page 0's size:
        // with two different sizes it would read its tree from the wrong places (or divide by zero).
        if (newest.getInt(PAGE_SIZE_AT) != pageSize) {
            checkPageSize(newest.getInt(PAGE_SIZE_AT), file, 1);
            throw new CorruptContainerException(file + ": LMDB meta pages disagree on the page size ("
                    + pageSize + " and " + newest.getInt(PAGE_SIZE_AT) + ")");
        }
        long lastPage = newest.getLong(LAST_PAGE_AT);
        if (lastPage < 1 || lastPage >= size / pageSize) {
            throw new CorruptContainerException(file + ": truncated: LMDB's meta page names " + (lastPage + 1)
                    + " pages of " + pageSize + " bytes, the file has " + size + " bytes");
        }
        return new LmdbMeta(file, size, pageSize, lastPage, DbRecord.at(newest, MAIN_DB_AT));
    }

    private static void checkPageSize(int pageSize, Path file, int meta) {
        if (pageSize < 512 || pageSize > (1 << 16) || Integer.bitCount(pageSize) != 1) {
            throw new CorruptContainerException(file + ": LMDB meta page " + meta + " gives a page size of " + pageSize);
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

    /** One MDB_db: how LMDB describes a B+tree (in a meta page, or as a named database's value). */
    record DbRecord(int flags, int depth, long branchPages, long leafPages, long overflowPages, long entries, long root) {
        static final int SIZE = 48;

        static DbRecord at(ByteBuffer page, int at) {
            return new DbRecord(page.getShort(at + 4) & 0xFFFF, page.getShort(at + 6) & 0xFFFF, page.getLong(at + 8),
                    page.getLong(at + 16), page.getLong(at + 24), page.getLong(at + 32), page.getLong(at + 40));
        }
    }
}
