package dev.bale.container.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the pages of an undamaged LMDB file are, for tests that damage them: a walk that trusts
 * the file (it is the fixture the test just wrote). Offsets as in {@link LmdbPageCheck}. Used by
 * LmdbDeepDamageTest and by the fuzzer's LMDB page harm.
 */
public final class LmdbPages {
    public static final int PAGE_HEADER = 16;
    public final byte[] file;
    public final int pageSize;
    public final long lastPage;
    /** Offset in the file of the newest meta page's main-database record, and of each named one's. */
    final int mainRecordAt;

    public LmdbPages(Path dataMdb) throws IOException {
        file = Files.readAllBytes(dataMdb);
        ByteBuffer b = buffer();
        pageSize = b.getInt(PAGE_HEADER + 24);
        int newest = Long.compareUnsigned(b.getLong(PAGE_HEADER + 128), b.getLong(pageSize + PAGE_HEADER + 128)) < 0
                ? pageSize : 0;
        mainRecordAt = newest + PAGE_HEADER + 72;
        lastPage = b.getLong(newest + PAGE_HEADER + 120);
    }

    public ByteBuffer buffer() {
        return ByteBuffer.wrap(file).order(ByteOrder.nativeOrder());
    }

    /** The offset of the MDB_db record of database {@code name} (null: the main database in the newest meta). */
    public int recordAt(String name) {
        if (name == null) {
            return mainRecordAt;
        }
        ByteBuffer b = buffer();
        for (Node node : nodes(b.getLong(mainRecordAt + 40))) {
            if (node.key(this).equals(name)) {
                return node.dataAt;
            }
        }
        throw new IllegalStateException("no database " + name);
    }

    /** A tree's pages, by level from 1 (the root). */
    public List<List<Long>> levels(String name) {
        ByteBuffer b = buffer();
        int record = recordAt(name);
        List<List<Long>> levels = new ArrayList<>();
        List<Long> level = List.of(b.getLong(record + 40));
        while (!level.isEmpty()) {
            levels.add(level);
            List<Long> next = new ArrayList<>();
            for (long page : level) {
                if ((flags(page) & 0x01) != 0) {
                    for (Node node : nodes(page)) {
                        next.add(node.child(this));
                    }
                }
            }
            level = next;
        }
        return levels;
    }

    /** First pages of the overflow runs that a tree's leaves point to. */
    public List<Long> overflows(String name) {
        List<List<Long>> levels = levels(name);
        List<Long> out = new ArrayList<>();
        for (long leaf : levels.get(levels.size() - 1)) {
            for (Node node : nodes(leaf)) {
                if ((node.flags(this) & 0x01) != 0) {
                    out.add(buffer().getLong(node.at + 8 + node.keySize(this)));
                }
            }
        }
        return out;
    }

    public int offset(long page) {
        return Math.toIntExact(page * pageSize);
    }

    public int flags(long page) {
        return buffer().getShort(offset(page) + 10) & 0xFFFF;
    }

    public List<Node> nodes(long page) {
        ByteBuffer b = buffer();
        int base = offset(page);
        int lower = b.getShort(base + 12) & 0xFFFF;
        List<Node> nodes = new ArrayList<>();
        for (int k = 0; k < (lower - PAGE_HEADER) / 2; k++) {
            int ptrAt = base + PAGE_HEADER + 2 * k;
            int at = base + (b.getShort(ptrAt) & 0xFFFF);
            nodes.add(new Node(ptrAt, at, at + 8 + (b.getShort(at + 6) & 0xFFFF)));
        }
        return nodes;
    }

    /** A node: where its pointer is, where it starts, where its data starts (all file offsets). */
    public record Node(int ptrAt, int at, int dataAt) {
        public int keySize(LmdbPages pages) {
            return pages.buffer().getShort(at + 6) & 0xFFFF;
        }

        public int flags(LmdbPages pages) {
            return pages.buffer().getShort(at + 4) & 0xFFFF;
        }

        public long child(LmdbPages pages) {
            ByteBuffer b = pages.buffer();
            return (b.getShort(at) & 0xFFFFL) | (b.getShort(at + 2) & 0xFFFFL) << 16 | (b.getShort(at + 4) & 0xFFFFL) << 32;
        }

        public void setChild(LmdbPages pages, long child) {
            pages.buffer().putShort(at, (short) child).putShort(at + 2, (short) (child >>> 16))
                    .putShort(at + 4, (short) (child >>> 32));
        }

        public String key(LmdbPages pages) {
            return new String(pages.file, at + 8, keySize(pages), StandardCharsets.ISO_8859_1);
        }
    }
}
