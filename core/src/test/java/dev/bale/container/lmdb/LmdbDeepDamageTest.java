package dev.bale.container.lmdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Damage to every kind of LMDB page below the roots, in Bale's layout and in a foreign LMDB (an
 * unnamed database of encoded images under long keys, three levels deep): each case must end as a
 * {@link CorruptContainerException} naming the file, the database and the page, never as a liblmdb
 * abort. The checker runs here in-process (it is pure Java and runs before liblmdb); then every case
 * is opened and read end to end in one child JVM, since a missed case would kill the JVM it runs in.
 */
class LmdbDeepDamageTest {
    private static final int P_BRANCH = 0x01;
    private static final int P_LEAF = 0x02;
    private static final int P_OVERFLOW = 0x04;
    private static final int P_LEAF2 = 0x20;
    private static final int F_DUPDATA = 0x04;

    @TempDir
    static Path dir;
    private static Path bale;
    private static Path foreign;

    private record Case(String name, Path pristine, String db, Consumer<LmdbPages> damage) {
    }

    @BeforeAll
    static void fixtures() throws IOException {
        bale = dir.resolve("bale.lmdb");
        Random rng = new Random(7);
        try (LmdbWriter writer = new LmdbWriter(bale, List.of("a", "b"), 2 << 20)) {
            for (int i = 0; i < 400; i++) {
                // Small values inline in the leaves, large ones on runs of 2-3 overflow pages.
                byte[] value = new byte[i % 2 == 0 ? 150 : 5000 + rng.nextInt(4000)];
                rng.nextBytes(value);
                writer.append("c/img_" + String.format("%04d", i) + ".jpg", i % 2, ByteBuffer.wrap(value));
            }
            writer.finish();
        }
        foreign = dir.resolve("foreign.lmdb");
        Files.createDirectories(foreign);
        try (Env<ByteBuffer> env = Env.create().setMapSize(64L << 20).setMaxDbs(1).open(foreign.toFile());
             Txn<ByteBuffer> txn = env.txnWrite()) {
            Dbi<ByteBuffer> dbi = env.openDbi(txn, (byte[]) null, null, false, DbiFlags.MDB_CREATE);
            for (int i = 0; i < 3000; i++) {
                byte[] key = (String.format("%08d_", i) + "train/" + "x".repeat(140) + i + ".jpg").getBytes(StandardCharsets.US_ASCII);
                byte[] value = new byte[i % 50 == 0 ? 6000 : 60];
                rng.nextBytes(value);
                value[0] = (byte) 0xFF;
                value[1] = (byte) 0xD8;
                value[2] = (byte) 0xFF;
                dbi.put(txn, direct(key), direct(value));
            }
            txn.commit();
        }
    }

    @Test
    void undamagedFixturesPassAndReachEveryKindOfPage() throws IOException {
        try (Container c = Containers.open(bale)) {
            assertEquals(400, c.size());
        }
        try (Container c = Containers.open(foreign)) {
            assertEquals(3000, c.size());
        }
        LmdbPages b = new LmdbPages(bale.resolve("data.mdb"));
        assertEquals(2, b.levels("images").size(), "images tree depth");
        assertEquals(2, b.levels("records").size(), "records tree depth");
        assertTrue(b.overflows("images").size() >= 100);
        LmdbPages f = new LmdbPages(foreign.resolve("data.mdb"));
        assertEquals(3, f.levels(null).size(), "foreign tree depth");
        assertTrue(f.overflows(null).size() >= 10);
    }

    @Test
    void everyKindOfPageDamageIsAnExceptionNamingThePageNotAnAbort() throws Exception {
        List<Case> cases = cases();
        List<Path> damaged = damage(cases, "checked");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Path copy = damaged.get(i);
            String what = describe(c);
            CorruptContainerException e = assertThrows(CorruptContainerException.class,
                    () -> LmdbPageCheck.check(copy.resolve("data.mdb"), LmdbPageCheck.Scope.ALL_DATABASES), what);
            String message = e.getMessage();
            assertTrue(message.contains(copy.resolve("data.mdb").toString()), what + ": " + message);
            assertTrue(message.contains(c.db == null ? "main database" : "database '" + c.db + "'"), what + ": " + message);
            // Counts and flags a database records name no page; everything found on a page names it.
            boolean wholeDatabase = c.name.startsWith("recorded") || c.name.startsWith("database flagged")
                    || c.name.equals("leaf: one key");
            assertTrue(wholeDatabase || message.matches(".*\\bpage \\d+.*"), what + ": " + message);
        }

        if (Boolean.getBoolean("bale.lmdb.rawCensus")) {
            census(cases, runChild(damaged, true));
        }
        Map<Integer, String> results = runChild(damaged, false);
        for (int i = 0; i < cases.size(); i++) {
            String result = results.get(i);
            assertTrue(result != null && result.startsWith("CORRUPT\t") && result.contains("data.mdb"),
                    describe(cases.get(i)) + ": the child JVM answered " + result);
        }
    }

    /**
     * The test above could not fail if the damage were harmless: without Bale's checks, liblmdb
     * kills the JVM on these (33 of the 120 cases above do; {@code -Dbale.lmdb.rawCensus=true}
     * prints them all). An assertion (abort) and a null cursor (SIGSEGV) are among them.
     */
    @Test
    void withoutTheCheckLiblmdbKillsTheJvmOnSuchDamage() throws Exception {
        List<String> names = List.of("root branch: one key", "leaf: flags set to 0x1", "leaf node flagged as sorted duplicates");
        List<Case> cases = cases().stream().filter(c -> c.db == null && names.contains(c.name)).toList();
        assertEquals(names.size(), cases.size());
        Map<Integer, String> raw = runChild(damage(cases, "raw"), true);
        for (int i = 0; i < cases.size(); i++) {
            assertTrue(String.valueOf(raw.get(i)).startsWith("the JVM died"), describe(cases.get(i)) + ": " + raw.get(i));
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String db : new String[] {"images", "records"}) {
            pageCases(cases, bale, db);
        }
        pageCases(cases, foreign, null);
        overflowCases(cases, bale, "images");
        overflowCases(cases, foreign, null);
        // Upward: a level-2 branch of the three-level foreign tree points back at the root.
        cases.add(new Case("child points upward to the root", foreign, null, p -> {
            long root = p.levels(null).get(0).get(0);
            p.nodes(p.levels(null).get(1).get(1)).get(1).setChild(p, root);
        }));
        return cases;
    }

    /** A damaged copy of each case's fixture. */
    private static List<Path> damage(List<Case> cases, String prefix) throws IOException {
        List<Path> damaged = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Path copy = copy(c.pristine, dir.resolve(prefix + "-" + i + "-" + c.pristine.getFileName()));
            LmdbPages pages = new LmdbPages(copy.resolve("data.mdb"));
            c.damage.accept(pages);
            Files.write(copy.resolve("data.mdb"), pages.file);
            damaged.add(copy);
        }
        return damaged;
    }

    private static void pageCases(List<Case> cases, Path pristine, String db) {
        // The root's second child: a branch (foreign, three levels) or a leaf (Bale, two levels).
        for (int level = 1; level < (db == null ? 3 : 2); level++) {
            int below = level;
            String kind = db == null && level == 1 ? "branch" : "leaf";
            addPageCases(cases, pristine, db, kind, p -> p.levels(db).get(below).get(1));
        }
        addPageCases(cases, pristine, db, "root branch", p -> p.levels(db).get(0).get(0));
        cases.add(new Case("child points to its own page", pristine, db, p -> {
            long root = p.levels(db).get(0).get(0);
            p.nodes(root).get(1).setChild(p, root);
        }));
        cases.add(new Case("two children point to one page", pristine, db, p -> {
            long root = p.levels(db).get(0).get(0);
            p.nodes(root).get(2).setChild(p, p.nodes(root).get(1).child(p));
        }));
        cases.add(new Case("child out of range", pristine, db, p ->
                p.nodes(p.levels(db).get(0).get(0)).get(1).setChild(p, p.lastPage + 3)));
        cases.add(new Case("child is a meta page", pristine, db, p ->
                p.nodes(p.levels(db).get(0).get(0)).get(1).setChild(p, 1)));
        cases.add(new Case("recorded depth one too many", pristine, db, p -> addDepth(p, db, 1)));
        cases.add(new Case("recorded depth one too few", pristine, db, p -> addDepth(p, db, -1)));
        cases.add(new Case("recorded entries off by one", pristine, db, p -> {
            int at = p.recordAt(db) + 32;
            p.buffer().putLong(at, p.buffer().getLong(at) + 1);
        }));
        cases.add(new Case("leaf node flagged as sorted duplicates", pristine, db, p -> {
            LmdbPages.Node node = p.nodes(last(p.levels(db)).get(2)).get(0);
            p.buffer().putShort(node.at() + 4, (short) (node.flags(p) | F_DUPDATA));
        }));
        cases.add(new Case("leaf key size past the page", pristine, db, p -> {
            LmdbPages.Node node = p.nodes(last(p.levels(db)).get(2)).get(0);
            p.buffer().putShort(node.at() + 6, (short) 0xFFF0);
        }));
        cases.add(new Case("inline value size past the page", pristine, db, p -> {
            for (long leaf : last(p.levels(db))) {
                for (LmdbPages.Node node : p.nodes(leaf)) {
                    if ((node.flags(p) & 0x01) == 0) {
                        p.buffer().putShort(node.at(), (short) 0xF000);
                        return;
                    }
                }
            }
            throw new IllegalStateException("no inline value");
        }));
        cases.add(new Case("database flagged DUPSORT", pristine, db, p -> {
            int at = p.recordAt(db) + 4;
            p.buffer().putShort(at, (short) (p.buffer().getShort(at) | 0x04));
        }));
    }

    /** The damages every page kind gets: header number, zeroed, flags, bounds, a node pointer. */
    private static void addPageCases(List<Case> cases, Path pristine, String db, String kind,
                                     java.util.function.Function<LmdbPages, Long> which) {
        cases.add(new Case(kind + ": header names another page", pristine, db, p -> {
            int at = p.offset(which.apply(p));
            p.buffer().putLong(at, p.buffer().getLong(at) + 1);
        }));
        cases.add(new Case(kind + ": zeroed", pristine, db, p -> {
            int at = p.offset(which.apply(p));
            java.util.Arrays.fill(p.file, at, at + p.pageSize, (byte) 0);
        }));
        for (int flags : new int[] {P_BRANCH, P_LEAF, P_BRANCH | P_LEAF, P_OVERFLOW, P_LEAF | P_LEAF2}) {
            cases.add(new Case(kind + ": flags set to 0x" + Integer.toHexString(flags), pristine, db, p -> {
                long page = which.apply(p);
                if (p.flags(page) == flags) {
                    p.buffer().putShort(p.offset(page) + 10, (short) (flags ^ P_BRANCH ^ P_LEAF));
                } else {
                    p.buffer().putShort(p.offset(page) + 10, (short) flags);
                }
            }));
        }
        cases.add(new Case(kind + ": lower and upper swapped", pristine, db, p -> {
            int at = p.offset(which.apply(p));
            ByteBuffer b = p.buffer();
            short lower = b.getShort(at + 12);
            b.putShort(at + 12, b.getShort(at + 14)).putShort(at + 14, lower);
        }));
        cases.add(new Case(kind + ": one key", pristine, db, p ->
                p.buffer().putShort(p.offset(which.apply(p)) + 12, (short) (LmdbPages.PAGE_HEADER + 2))));
        cases.add(new Case(kind + ": node offset past the page", pristine, db, p -> {
            LmdbPages.Node node = p.nodes(which.apply(p)).get(1);
            p.buffer().putShort(node.ptrAt(), (short) (p.pageSize - 4));
        }));
    }

    private static void overflowCases(List<Case> cases, Path pristine, String db) {
        cases.add(new Case("overflow: header names another page", pristine, db, p -> {
            int at = p.offset(p.overflows(db).get(1));
            p.buffer().putLong(at, p.buffer().getLong(at) + 1);
        }));
        cases.add(new Case("overflow: flags set to leaf", pristine, db, p ->
                p.buffer().putShort(p.offset(p.overflows(db).get(1)) + 10, (short) P_LEAF)));
        cases.add(new Case("overflow: zeroed", pristine, db, p -> {
            int at = p.offset(p.overflows(db).get(1));
            java.util.Arrays.fill(p.file, at, at + p.pageSize, (byte) 0);
        }));
        cases.add(new Case("overflow: too few pages for the value", pristine, db, p ->
                p.buffer().putInt(p.offset(p.overflows(db).get(1)) + 12, 1)));
        cases.add(new Case("overflow: run past the end of the file", pristine, db, p ->
                p.buffer().putInt(p.offset(p.overflows(db).get(1)) + 12, (int) p.lastPage)));
        cases.add(new Case("overflow: node points out of range", pristine, db, p -> pointOverflow(p, db, p.lastPage + 1)));
        cases.add(new Case("overflow: node points at a leaf", pristine, db, p -> pointOverflow(p, db, last(p.levels(db)).get(0))));
        cases.add(new Case("overflow: two nodes share a run", pristine, db, p -> pointOverflow(p, db, p.overflows(db).get(0))));
    }

    /** Re-points the second overflow value's node at {@code page}. */
    private static void pointOverflow(LmdbPages p, String db, long page) {
        int seen = 0;
        for (long leaf : last(p.levels(db))) {
            for (LmdbPages.Node node : p.nodes(leaf)) {
                if ((node.flags(p) & 0x01) != 0 && seen++ == 1) {
                    p.buffer().putLong(node.dataAt(), page);
                    return;
                }
            }
        }
        throw new IllegalStateException("fewer than two overflow values");
    }

    private static void addDepth(LmdbPages p, String db, int delta) {
        int at = p.recordAt(db) + 6;
        p.buffer().putShort(at, (short) (p.buffer().getShort(at) + delta));
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    private static String describe(Case c) {
        return c.pristine.getFileName() + " " + (c.db == null ? "main database" : c.db) + ": " + c.name;
    }

    /** Opens every damaged copy in one child JVM; on an abort, the rest in a new one. */
    /** What liblmdb alone makes of the cases ({@code -Dbale.lmdb.rawCensus=true}): printed, not asserted. */
    private static void census(List<Case> cases, Map<Integer, String> raw) {
        Map<String, Integer> totals = new java.util.TreeMap<>();
        for (int i = 0; i < cases.size(); i++) {
            String r = String.valueOf(raw.get(i));
            String outcome = r.startsWith("the JVM died") ? r.substring(0, r.indexOf(')') + 1) : r.split("\t")[0];
            totals.merge(outcome, 1, Integer::sum);
            System.err.println("raw liblmdb: " + describe(cases.get(i)) + ": " + r.substring(0, Math.min(r.length(), 300)));
        }
        System.err.println("raw liblmdb census over " + cases.size() + " cases: " + totals);
    }

    private static Map<Integer, String> runChild(List<Path> paths, boolean raw) throws Exception {
        Map<Integer, String> results = new HashMap<>();
        int from = 0;
        while (from < paths.size()) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"), "-cp", System.getProperty("java.class.path"),
                    LmdbOpenChild.class.getName()));
            if (raw) {
                command.add("--raw");
            }
            for (Path p : paths.subList(from, paths.size())) {
                command.add(p.toString());
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            int started = -1;
            StringBuilder other = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    String[] parts = line.split("\t", 3);
                    if (parts[0].equals("START")) {
                        started = from + Integer.parseInt(parts[1]);
                    } else if (parts[0].equals("RESULT") && parts.length == 3) {
                        results.put(from + Integer.parseInt(parts[1]), parts[2]);
                    } else if (other.length() < 2000) {
                        other.append(line).append('\n');
                    }
                }
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("child JVM hung after case " + started);
            }
            if (started < 0) {
                fail("child JVM did not start: " + other);
            }
            if (!results.containsKey(started)) {
                results.put(started, "the JVM died (exit " + process.exitValue() + "): " + other);
            }
            from = started + 1;
        }
        return results;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
