package dev.bale.container.lmdb;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.lmdb.LmdbMeta.DbRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Walks every page of an LMDB file's B+trees in Java before liblmdb reads them. liblmdb trusts its
 * pages: on some damage it asserts and calls abort() (a branch page with one key, a leaf where its
 * depth says branch, a database root of page 0 or 1), and on other damage it reads wherever a
 * damaged offset points (node pointers, key and data sizes, a node flagged as sorted duplicates in
 * a database without them dereferences a null cursor). Any of those kills the JVM. After this walk
 * finds nothing wrong, none of them is reachable from the reads Bale makes (mdb_dbi_open, mdb_get,
 * cursor first/next), because every page those reads can reach has been checked:
 * <ul>
 * <li>its number is within the file and equals its header's, and no page is reached twice (so
 *     no cycle, no shared subtree);</li>
 * <li>it is a branch page exactly above the database's depth and a leaf exactly at it, with at
 *     least two keys (branch) or one (leaf), and free-space bounds that agree with its key count;</li>
 * <li>every node pointer, node header, key and inline value lies inside the page; a branch node's
 *     child is a page in the file; a value on overflow pages starts on a page flagged overflow whose
 *     page count covers the value and lies in the file, and overflow runs do not overlap;</li>
 * <li>no database uses sorted duplicates, fixed-size or integer keys (layouts Bale never writes
 *     nor reads; they take other code paths in liblmdb), and the counts a database records
 *     (entries, branch, leaf and overflow pages) match what the walk found.</li>
 * </ul>
 * The file is read through bounds-checked mapped buffers; no field is used before it is checked.
 * Every finding is a {@link CorruptContainerException} naming the file, the database, the page and,
 * where known, the node and its record or key. Offsets follow liblmdb 0.9 for 64-bit builds.
 */
public final class LmdbPageCheck {
    /**
     * What to walk: the main database only (all that a foreign LMDB's reader, or a lookup of a
     * name in it, touches), or also every named database it lists (Bale's layout reads them all).
     */
    public enum Scope { MAIN_DATABASE, ALL_DATABASES }

    private static final int P_BRANCH = 0x01;
    private static final int P_LEAF = 0x02;
    private static final int P_OVERFLOW = 0x04;
    private static final int F_BIGDATA = 0x01;
    private static final int F_SUBDATA = 0x02;
    private static final int F_DUPDATA = 0x04;
    /** MDB_REVERSEKEY only changes the key order; every other database flag changes how pages are read. */
    private static final int MDB_REVERSEKEY = 0x02;
    private static final long P_INVALID = -1L;
    private static final int NODE_HEADER = 8;
    /** liblmdb's cursor stack (CURSOR_STACK): no tree can be deeper. */
    private static final int MAX_DEPTH = 32;
    private static final long SEGMENT = 1L << 30;

    private final LmdbMeta meta;
    private final ByteBuffer[] segments;
    /** Pages already reached, by any tree or as overflow: each page belongs to one place. */
    private final BitSet claimed;

    private LmdbPageCheck(LmdbMeta meta, ByteBuffer[] segments) {
        this.meta = meta;
        this.segments = segments;
        this.claimed = new BitSet((int) Math.min(meta.lastPage + 1, Integer.MAX_VALUE));
    }

    /** Checks {@code dataMdb} as described above; returns its size. */
    public static long check(Path dataMdb, Scope scope) throws IOException {
        try (FileChannel channel = FileChannel.open(dataMdb, StandardOpenOption.READ)) {
            LmdbMeta meta = LmdbMeta.read(channel, dataMdb);
            if (meta.lastPage >= Integer.MAX_VALUE) {
                throw new CorruptContainerException(dataMdb + ": LMDB meta page names " + meta.lastPage
                        + " pages, more than Bale checks");
            }
            long mapped = (meta.lastPage + 1) * meta.pageSize;
            ByteBuffer[] segments = new ByteBuffer[(int) ((mapped + SEGMENT - 1) / SEGMENT)];
            for (int s = 0; s < segments.length; s++) {
                long from = s * SEGMENT;
                segments[s] = channel.map(FileChannel.MapMode.READ_ONLY, from, Math.min(SEGMENT, mapped - from))
                        .order(ByteOrder.nativeOrder());
            }
            new LmdbPageCheck(meta, segments).walk(scope);
            return meta.fileSize;
        }
    }

    private void walk(Scope scope) {
        List<Named> named = new ArrayList<>();
        tree(new Db("main database", null, meta.main), named);
        if (scope == Scope.ALL_DATABASES) {
            for (Named db : named) {
                tree(new Db("database '" + db.name + "'", db.name, db.record), null);
            }
        }
    }

    private record Db(String what, String name, DbRecord record) {
    }

    private record Named(String name, DbRecord record) {
    }

    /** What the walk of one tree found, to compare with what the database records. */
    private static final class Counts {
        long branch;
        long leaf;
        long overflow;
        long entries;
    }

    private void checkRecord(Db db) {
        DbRecord r = db.record;
        if ((r.flags() & ~MDB_REVERSEKEY) != 0) {
            throw fail(db, -1, "uses LMDB flags 0x" + Integer.toHexString(r.flags())
                    + " (sorted duplicates, fixed-size or integer keys), which Bale does not read");
        }
        if (r.root() == P_INVALID) {
            return;
        }
        if (r.root() < 2 || r.root() > meta.lastPage) {
            throw fail(db, -1, "its root is page " + r.root() + " (pages 2.." + meta.lastPage + " exist)");
        }
        if (r.depth() < 1 || r.depth() > MAX_DEPTH) {
            throw fail(db, -1, "its depth is " + r.depth() + " (1.." + MAX_DEPTH + " possible)");
        }
    }

    /** Walks one tree; {@code named} collects the named databases it lists (main database only). */
    private void tree(Db db, List<Named> named) {
        checkRecord(db);
        DbRecord r = db.record;
        Counts counts = new Counts();
        if (r.root() != P_INVALID) {
            visit(db, r.root(), 1, counts, named, null, 0, -1);
        }
        if (counts.entries != r.entries() || counts.branch != r.branchPages() || counts.leaf != r.leafPages()
                || counts.overflow != r.overflowPages()) {
            throw fail(db, -1, "records " + r.entries() + " entries on " + r.branchPages() + " branch, " + r.leafPages()
                    + " leaf and " + r.overflowPages() + " overflow pages, but its pages hold " + counts.entries
                    + " entries on " + counts.branch + ", " + counts.leaf + " and " + counts.overflow);
        }
    }

    /**
     * Checks page {@code pgno} at {@code level} (the root is level 1) and, below a branch, its
     * children. The parent's key for this page ({@code sepAt}, {@code sepSize}; size -1: none)
     * names the page's key range in messages; messages are only built when something is wrong,
     * since this runs for every page and node.
     */
    private void visit(Db db, long pgno, int level, Counts counts, List<Named> named,
                       ByteBuffer sepPage, int sepAt, int sepSize) {
        if (pgno < 2 || pgno > meta.lastPage) {
            throw fail(db, pgno, "page number out of range (pages 2.." + meta.lastPage + " exist)"
                    + at(db, level, sepPage, sepAt, sepSize));
        }
        if (claimed.get((int) pgno)) {
            throw fail(db, pgno, "reached twice (a cycle, or a page shared by two places)"
                    + at(db, level, sepPage, sepAt, sepSize));
        }
        claimed.set((int) pgno);
        ByteBuffer p = page(pgno);
        int size = meta.pageSize;
        if (p.getLong(0) != pgno) {
            throw fail(db, pgno, "its header says page " + p.getLong(0) + at(db, level, sepPage, sepAt, sepSize));
        }
        int flags = p.getShort(10) & 0xFFFF;
        boolean leaf = level == db.record.depth();
        if (flags != (leaf ? P_LEAF : P_BRANCH)) {
            throw fail(db, pgno, "flags 0x" + Integer.toHexString(flags) + " where a " + (leaf ? "leaf" : "branch")
                    + " page belongs" + at(db, level, sepPage, sepAt, sepSize));
        }
        int lower = p.getShort(12) & 0xFFFF;
        int upper = p.getShort(14) & 0xFFFF;
        if (lower < LmdbMeta.PAGE_HEADER || (lower & 1) != 0 || lower > upper || upper > size) {
            throw fail(db, pgno, "impossible free-space bounds " + lower + ".." + upper + at(db, level, sepPage, sepAt, sepSize));
        }
        int keys = (lower - LmdbMeta.PAGE_HEADER) / 2;
        if (keys < (leaf ? 1 : 2)) {
            throw fail(db, pgno, (leaf ? "leaf" : "branch") + " page with " + keys + " keys"
                    + at(db, level, sepPage, sepAt, sepSize));
        }
        if (leaf) {
            counts.leaf++;
        } else {
            counts.branch++;
        }
        for (int k = 0; k < keys; k++) {
            int node = p.getShort(LmdbMeta.PAGE_HEADER + 2 * k) & 0xFFFF;
            if (node < upper || (node & 1) != 0 || node + NODE_HEADER > size) {
                throw fail(db, pgno, "node " + k + " at offset " + node + " lies outside the page's nodes ("
                        + upper + ".." + size + ")" + at(db, level, sepPage, sepAt, sepSize));
            }
            int keySize = p.getShort(node + 6) & 0xFFFF;
            int keyAt = node + NODE_HEADER;
            if (keyAt + keySize > size) {
                throw fail(db, pgno, "node " + k + ": its " + keySize + "-byte key runs past the page"
                        + at(db, level, sepPage, sepAt, sepSize));
            }
            if (!leaf) {
                long child = (p.getShort(node) & 0xFFFFL) | (p.getShort(node + 2) & 0xFFFFL) << 16
                        | (p.getShort(node + 4) & 0xFFFFL) << 32;
                if (k == 0) {
                    visit(db, child, level + 1, counts, named, sepPage, sepAt, sepSize);
                } else {
                    visit(db, child, level + 1, counts, named, p, keyAt, keySize);
                }
                continue;
            }
            int nodeFlags = p.getShort(node + 4) & 0xFFFF;
            long dataSize = (p.getShort(node) & 0xFFFFL) | (p.getShort(node + 2) & 0xFFFFL) << 16;
            String problem = null;
            int dataAt = keyAt + keySize;
            if ((nodeFlags & ~(F_BIGDATA | F_SUBDATA)) != 0) {
                problem = "node flags 0x" + Integer.toHexString(nodeFlags)
                        + ((nodeFlags & F_DUPDATA) != 0 ? " (sorted duplicates, which Bale does not read)" : "");
            } else if ((nodeFlags & F_BIGDATA) != 0) {
                problem = dataAt + Long.BYTES > size ? "its overflow page number runs past the page"
                        : overflow(p.getLong(dataAt), dataSize, counts);
            } else if (dataAt + dataSize > size) {
                problem = "its " + dataSize + "-byte value runs past the page";
            }
            if (problem == null && (nodeFlags & F_SUBDATA) != 0) {
                if (named == null || (nodeFlags & F_BIGDATA) != 0 || dataSize != DbRecord.SIZE) {
                    problem = "flagged as a named database where none can be";
                } else {
                    byte[] name = new byte[keySize];
                    p.get(keyAt, name);
                    named.add(new Named(new String(name, StandardCharsets.UTF_8), DbRecord.at(p, dataAt)));
                }
            }
            if (problem != null) {
                throw fail(db, pgno, "node " + k + " (" + describeKey(db, p, keyAt, keySize) + "): " + problem
                        + at(db, level, sepPage, sepAt, sepSize));
            }
            counts.entries++;
        }
    }

    /** Null when the value's overflow run starting at {@code pgno} is sound (and claims it), else what is wrong. */
    private String overflow(long pgno, long dataSize, Counts counts) {
        if (pgno < 2 || pgno > meta.lastPage) {
            return "its value's overflow page " + pgno + " is out of range (pages 2.." + meta.lastPage + " exist)";
        }
        ByteBuffer p = page(pgno);
        int flags = p.getShort(10) & 0xFFFF;
        long pages = p.getInt(12) & 0xFFFFFFFFL;
        String there = "its value's overflow page " + pgno;
        if (p.getLong(0) != pgno) {
            return there + " has a header that says page " + p.getLong(0);
        }
        if (flags != P_OVERFLOW) {
            return there + " has flags 0x" + Integer.toHexString(flags) + ", not overflow";
        }
        if (pages < 1 || pages > meta.lastPage - pgno + 1 || LmdbMeta.PAGE_HEADER + dataSize > pages * meta.pageSize) {
            return there + " claims " + pages + " pages for a " + dataSize + "-byte value (pages " + pgno + ".."
                    + meta.lastPage + " exist)";
        }
        int first = (int) pgno;
        int end = (int) (pgno + pages);
        int taken = claimed.nextSetBit(first);
        if (taken >= 0 && taken < end) {
            return there + " overlaps page " + taken + ", which is already in use";
        }
        claimed.set(first, end);
        counts.overflow += pages;
        return null;
    }

    /** " (level L of D, keys from K)": where a page sits in its tree. */
    private static String at(Db db, int level, ByteBuffer sepPage, int sepAt, int sepSize) {
        return " (level " + level + " of " + db.record.depth()
                + (sepSize < 0 ? "" : ", keys from " + describeKey(db, sepPage, sepAt, sepSize)) + ")";
    }

    /** Page {@code pgno} (checked to be in the file), as a bounds-checked buffer of one page. */
    private ByteBuffer page(long pgno) {
        long offset = pgno * meta.pageSize;
        return segments[(int) (offset / SEGMENT)].slice((int) (offset % SEGMENT), meta.pageSize)
                .order(ByteOrder.nativeOrder());
    }

    /** "record N" for Bale's record databases (8-byte big-endian keys), else the key as text. */
    private static String describeKey(Db db, ByteBuffer p, int at, int size) {
        if (size == Long.BYTES && (LmdbSchema.IMAGES.equals(db.name) || LmdbSchema.RECORDS.equals(db.name))) {
            long record = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                record = record << 8 | (p.get(at + i) & 0xFF);
            }
            return "record " + record;
        }
        StringBuilder text = new StringBuilder("key '");
        for (int i = 0; i < Math.min(size, 64); i++) {
            int b = p.get(at + i) & 0xFF;
            text.append(b >= 0x20 && b < 0x7F && b != '\\' && b != '\'' ? String.valueOf((char) b)
                    : String.format("\\x%02x", b));
        }
        return text.append(size > 64 ? "...'" : "'").toString();
    }

    private CorruptContainerException fail(Db db, long pgno, String what) {
        return new CorruptContainerException(meta.file + ": LMDB " + db.what + (pgno >= 0 ? ", page " + pgno : "")
                + ": " + what);
    }
}
