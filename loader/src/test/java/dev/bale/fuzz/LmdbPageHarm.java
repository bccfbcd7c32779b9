package dev.bale.fuzz;

import dev.bale.container.lmdb.LmdbPages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@link Harm#LMDB_PAGE}: damage aimed at one page of an LMDB file's B+trees, below or at a
 * database's root: a branch or leaf page (its header, flags, free-space bounds, a node pointer, a
 * node's sizes or flags, a child or overflow page number), an overflow page's header, or the
 * record that describes a database (depth, root, flags, counts). Random bytes rarely hit these
 * fields in a way liblmdb trips over; this does on purpose. The file must be undamaged before.
 */
final class LmdbPageHarm {
    private static final String[] DATABASES = {null, "images", "records", "bale"};

    private LmdbPageHarm() {
    }

    static String apply(Path file, Random rng) throws IOException {
        LmdbPages p = new LmdbPages(file);
        String db = DATABASES[rng.nextInt(DATABASES.length)];
        String name = db == null ? "main database" : "database '" + db + "'";
        List<List<Long>> levels = p.levels(db);
        List<Long> overflows = p.overflows(db);
        int choice = rng.nextInt(10);
        String what;
        if (choice == 0) {
            what = name + " record: " + record(p, p.recordAt(db), rng);
        } else if (choice <= 2 && !overflows.isEmpty()) {
            long page = overflows.get(rng.nextInt(overflows.size()));
            what = name + " overflow page " + page + ": " + overflow(p, page, rng);
        } else {
            int level = rng.nextInt(levels.size());
            long page = levels.get(level).get(rng.nextInt(levels.get(level).size()));
            what = name + " page " + page + " (level " + (level + 1) + " of " + levels.size() + "): "
                    + page(p, page, levels.get(0).get(0), rng);
        }
        Files.write(file, p.file);
        return "LMDB " + what;
    }

    private static String record(LmdbPages p, int at, Random rng) {
        ByteBuffer b = p.buffer();
        switch (rng.nextInt(5)) {
            case 0 -> {
                int delta = rng.nextBoolean() ? 1 : -1;
                b.putShort(at + 6, (short) (b.getShort(at + 6) + delta));
                return "depth " + (delta > 0 ? "+1" : "-1");
            }
            case 1 -> {
                long root = pick(rng, 0, 1, p.lastPage + 1, rng.nextInt((int) p.lastPage + 1));
                b.putLong(at + 40, root);
                return "root set to " + root;
            }
            case 2 -> {
                int flag = 1 << rng.nextInt(7);
                b.putShort(at + 4, (short) (b.getShort(at + 4) | flag));
                return "flags |= 0x" + Integer.toHexString(flag);
            }
            case 3 -> {
                b.putLong(at + 32, b.getLong(at + 32) + (rng.nextBoolean() ? 1 : -1));
                return "entries off by one";
            }
            default -> {
                b.putLong(at + 8 * (1 + rng.nextInt(3)), rng.nextInt(1000));
                return "a page count changed";
            }
        }
    }

    private static String overflow(LmdbPages p, long page, Random rng) {
        int at = p.offset(page);
        ByteBuffer b = p.buffer();
        switch (rng.nextInt(4)) {
            case 0 -> {
                long to = pick(rng, page + 1, 0, rng.nextLong());
                b.putLong(at, to);
                return "header page number set to " + to;
            }
            case 1 -> {
                int flags = (int) pick(rng, 0, 1, 2, 0x14, rng.nextInt(1 << 16));
                b.putShort(at + 10, (short) flags);
                return "flags set to 0x" + Integer.toHexString(flags);
            }
            case 2 -> {
                long pages = pick(rng, 0, 1, p.lastPage, rng.nextInt() & 0xFFFFFFFFL);
                b.putInt(at + 12, (int) pages);
                return "page count set to " + pages;
            }
            default -> {
                Arrays.fill(p.file, at, at + LmdbPages.PAGE_HEADER, (byte) 0);
                return "header zeroed";
            }
        }
    }

    private static String page(LmdbPages p, long page, long root, Random rng) {
        int at = p.offset(page);
        ByteBuffer b = p.buffer();
        List<LmdbPages.Node> nodes = p.nodes(page);
        LmdbPages.Node node = nodes.get(rng.nextInt(nodes.size()));
        boolean branch = (p.flags(page) & 0x01) != 0;
        switch (rng.nextInt(9)) {
            case 0 -> {
                long to = pick(rng, page + 1, 0, rng.nextLong());
                b.putLong(at, to);
                return "header page number set to " + to;
            }
            case 1 -> {
                Arrays.fill(p.file, at, at + p.pageSize, (byte) 0);
                return "zeroed";
            }
            case 2 -> {
                int flags = (int) pick(rng, 0, 1, 2, 3, 4, 0x12, 0x22, 0x42, rng.nextInt(1 << 16));
                b.putShort(at + 10, (short) flags);
                return "flags set to 0x" + Integer.toHexString(flags);
            }
            case 3 -> {
                short lower = b.getShort(at + 12);
                b.putShort(at + 12, b.getShort(at + 14)).putShort(at + 14, lower);
                return "lower and upper swapped";
            }
            case 4 -> {
                int field = 12 + 2 * rng.nextInt(2);
                int value = (int) pick(rng, LmdbPages.PAGE_HEADER, LmdbPages.PAGE_HEADER + 2, p.pageSize + 2, rng.nextInt(1 << 16));
                b.putShort(at + field, (short) value);
                return (field == 12 ? "lower" : "upper") + " set to " + value;
            }
            case 5 -> {
                int value = (int) pick(rng, p.pageSize - 4, p.pageSize - 1, 0, rng.nextInt(1 << 16));
                b.putShort(node.ptrAt(), (short) value);
                return "a node pointer set to " + value;
            }
            case 6 -> {
                int field = rng.nextInt(4);
                if (field == 2) {
                    int flag = 1 << rng.nextInt(3);
                    b.putShort(node.at() + 4, (short) (b.getShort(node.at() + 4) | flag));
                    return "a node's flags |= 0x" + flag;
                }
                int value = rng.nextInt(1 << 16);
                b.putShort(node.at() + 2 * field, (short) value);
                return "a node's " + new String[] {"size (low)", "size (high)", "", "key size"}[field] + " set to " + value;
            }
            case 7 -> {
                if (branch) {
                    List<Long> others = new ArrayList<>();
                    for (LmdbPages.Node n : nodes) {
                        others.add(n.child(p));
                    }
                    long child = pick(rng, page, root, 0, 1, p.lastPage + 1, others.get(rng.nextInt(others.size())),
                            rng.nextInt((int) p.lastPage + 1));
                    node.setChild(p, child);
                    return "a child set to page " + child;
                }
                if ((node.flags(p) & 0x01) != 0) {
                    long to = pick(rng, root, page, 0, p.lastPage + 1, rng.nextInt((int) p.lastPage + 1));
                    b.putLong(node.dataAt(), to);
                    return "an overflow page number set to " + to;
                }
                b.putShort(node.at() + 6, (short) (b.getShort(node.at() + 6) + 1 + rng.nextInt(64)));
                return "a key size grown";
            }
            default -> {
                int length = 1 + rng.nextInt(8);
                int from = at + rng.nextInt(Math.max(1, (b.getShort(at + 12) & 0xFFFF) - length));
                byte[] bytes = new byte[length];
                rng.nextBytes(bytes);
                System.arraycopy(bytes, 0, p.file, Math.min(from, at + p.pageSize - length), length);
                return length + " random bytes in the page header or node pointers";
            }
        }
    }

    private static long pick(Random rng, long... choices) {
        return choices[rng.nextInt(choices.length)];
    }
}
