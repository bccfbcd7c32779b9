package dev.bale.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bale.container.Layout;
import dev.bale.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer over every file of a small container of each layout: one file damaged per case
 * ({@link Harm}), then open, verify, convert and load run in a child JVM ({@link FuzzChild}), many
 * cases per child, a new child after a crash or a hang. Every case must end {@link Outcome#CLEAN}.
 * {@code -Dbale.fuzz.cases=N} (default 300; {@code mvn -Pfuzz verify}: 10,000) and
 * {@code -Dbale.fuzz.seed=S}; the table of outcomes per layout and file goes to
 * {@code target/fuzz-report.md}. {@code -Dbale.fuzz.lmdbPagesOnly=true} aims every case at one page
 * of the LMDB container's trees ({@link Harm#LMDB_PAGE}); with {@code -Dbale.fuzz.records=150} the
 * trees have branch pages too (12 records fit in one leaf each).
 */
class FuzzTest {
    private static final long CASE_SECONDS = 30;
    /**
     * Files every byte of which a checksum covers: any change to one must be reported by some step
     * (at least verify). Manifests are left out (a change JSON ignores, like whitespace, is harmless),
     * and so are LMDB's and SQLite's files, which hold free space.
     */
    private static final List<String> FULLY_CHECKSUMMED = List.of("data.bin", "index.bin", "index.tsv", "keys.txt",
            ".tfrecord", ".idx");

    @TempDir
    Path dir;

    private record Case(int id, Layout layout, String file, Harm harm, String what) {
    }

    private record Result(Case c, Outcome outcome, String detail) {
    }

    @Test
    void everyDamagedCaseEndsAsAClearErrorOrCorrectData() throws Exception {
        int cases = Integer.getInteger("bale.fuzz.cases", 300);
        long seed = Long.getLong("bale.fuzz.seed", 20261130L);
        boolean lmdbPagesOnly = Boolean.getBoolean("bale.fuzz.lmdbPagesOnly");
        Map<Layout, Path> pristine = new EnumMap<>(Layout.class);
        Map<Layout, List<String>> files = new EnumMap<>(Layout.class);
        for (Layout layout : Layout.values()) {
            Path home = Files.createDirectories(dir.resolve("pristine-" + layout.id()));
            Path path = Fixtures.write(layout, Fixtures.containerPath(layout, home), Fixtures.CLASSES,
                    Fixtures.images(FuzzChild.RECORDS, FuzzChild.SEED));
            pristine.put(layout, home);
            try (Stream<Path> walk = Files.walk(home)) {
                files.put(layout, walk.filter(Files::isRegularFile).map(p -> home.relativize(p).toString()).sorted().toList());
            }
        }
        List<Result> results = new ArrayList<>();
        Child child = null;
        try {
            for (int id = 0; id < cases; id++) {
                // SplittableRandom mixes its seed: Random's first outputs for nearby seeds are correlated.
                Random rng = new Random(new java.util.SplittableRandom(seed * 1_000_003L + id).nextLong());
                Layout layout = lmdbPagesOnly ? Layout.LMDB : Layout.values()[id % Layout.values().length];
                List<String> names = files.get(layout);
                String file = lmdbPagesOnly ? names.stream().filter(n -> n.endsWith("data.mdb")).findFirst().orElseThrow()
                        : names.get(rng.nextInt(names.size()));
                Harm harm = Harm.pick(file, rng);
                Path home = FuzzChild.copy(pristine.get(layout), dir.resolve("case-" + id));
                byte[] before = Files.readAllBytes(home.resolve(file));
                String what = harm.apply(home.resolve(file), rng);
                boolean changed = !Files.exists(home.resolve(file))
                        || !java.util.Arrays.equals(before, Files.readAllBytes(home.resolve(file)));
                boolean mustNotice = changed && FULLY_CHECKSUMMED.stream().anyMatch(file::endsWith);
                Case c = new Case(id, layout, file, harm, what);
                Path container = Fixtures.containerPath(layout, home);
                if (child == null) {
                    child = new Child();
                }
                String answer = child.ask(id + "\t" + layout.id() + "\t" + container + "\t" + mustNotice);
                Result result;
                if (answer == null) {
                    result = new Result(c, child.alive() ? Outcome.HANG : Outcome.CRASH, child.tail());
                    child.kill();
                    child = null;
                } else {
                    String[] parts = answer.split("\t", 4);
                    result = new Result(c, Outcome.valueOf(parts[2]), parts.length > 3 ? parts[3] : "");
                }
                results.add(result);
                deleteTree(home);
            }
        } finally {
            if (child != null) {
                child.kill();
            }
        }
        String report = report(results, seed) + lmdbTrees(pristine.get(Layout.LMDB));
        Path out = Path.of("target", "fuzz-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.err.println(report);
        List<Result> bad = results.stream().filter(r -> r.outcome() != Outcome.CLEAN).toList();
        StringBuilder why = new StringBuilder();
        for (Result r : bad.subList(0, Math.min(20, bad.size()))) {
            why.append("\ncase ").append(r.c().id()).append(' ').append(r.c().layout().id()).append(' ')
                    .append(r.c().file()).append(' ').append(r.c().what()).append(": ").append(r.outcome())
                    .append(": ").append(r.detail());
        }
        assertEquals(0, bad.size(), bad.size() + " of " + results.size() + " cases did not end clean:" + why);
    }

    /** How deep the LMDB fixture's trees are: whether branch pages were there to damage. */
    private static String lmdbTrees(Path home) throws IOException {
        dev.bale.container.lmdb.LmdbPages pages = new dev.bale.container.lmdb.LmdbPages(
                Fixtures.containerPath(Layout.LMDB, home).resolve("data.mdb"));
        StringBuilder text = new StringBuilder("\nLMDB fixture (" + FuzzChild.RECORDS + " records), pages per tree level:");
        for (String db : new String[] {null, "images", "records", "bale"}) {
            text.append(' ').append(db == null ? "main" : db).append(' ');
            text.append(pages.levels(db).stream().map(level -> Integer.toString(level.size())).toList());
            text.append(" + ").append(pages.overflows(db).size()).append(" overflow values;");
        }
        return text.append('\n').toString();
    }

    private static String report(List<Result> results, long seed) {
        Map<String, int[]> rows = new TreeMap<>();
        for (Result r : results) {
            for (String key : new String[] {r.c().layout().id() + " (all files)", r.c().layout().id() + " " + r.c().file()}) {
                int[] row = rows.computeIfAbsent(key, k -> new int[Outcome.values().length + 2]);
                row[0]++;
                row[1 + r.outcome().ordinal()]++;
                if (r.outcome() == Outcome.CLEAN && r.detail().startsWith("error: ")) {
                    row[Outcome.values().length + 1]++;
                }
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("Fuzz: ").append(results.size()).append(" cases, seed ").append(seed).append("\n\n");
        text.append("clean = correct data or a clear error naming the file or record (of which: clear errors).\n\n");
        text.append("| layout / file | cases | clean | unclear | wrong | crash | hang | clean: clear error |\n");
        text.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        int[] total = new int[Outcome.values().length + 2];
        rows.forEach((key, row) -> {
            text.append("| ").append(key);
            for (int i = 0; i < row.length; i++) {
                text.append(" | ").append(String.format("%,d", row[i]));
                if (key.endsWith("(all files)")) {
                    total[i] += row[i];
                }
            }
            text.append(" |\n");
        });
        text.append("| **all** ");
        for (int t : total) {
            text.append(" | ").append(String.format("%,d", t));
        }
        text.append(" |\n");
        return text.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A child JVM running {@link FuzzChild}; answers are read on a thread so that a hang can time out. */
    private static final class Child {
        private final Process process;
        private final Writer in;
        private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(16);
        private final StringBuilder stderr = new StringBuilder();

        Child() throws IOException, InterruptedException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                    "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                    "-Xmx512m", "-Dbale.fuzz.records=" + FuzzChild.RECORDS, "-cp", System.getProperty("java.class.path"), FuzzChild.class.getName()).start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), true), "fuzz-child-out");
            Thread errors = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8)), false), "fuzz-child-err");
            reader.setDaemon(true);
            errors.setDaemon(true);
            reader.start();
            errors.start();
            String ready = answers.poll(120, TimeUnit.SECONDS);
            if (!"READY".equals(ready)) {
                kill();
                throw new IllegalStateException("fuzz child did not start: " + tail());
            }
        }

        private void pump(BufferedReader lines, boolean answersToo) {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (answersToo && (line.equals("READY") || line.startsWith("FUZZ\t"))) {
                        answers.put(line);
                    } else {
                        synchronized (stderr) {
                            stderr.append(line).append('\n');
                            if (stderr.length() > 20_000) {
                                stderr.delete(0, stderr.length() - 10_000);
                            }
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The child is gone.
            }
        }

        /** The answer, or null if the child died or took too long. */
        String ask(String line) throws InterruptedException {
            try {
                in.write(line + "\n");
                in.flush();
            } catch (IOException e) {
                return null;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CASE_SECONDS);
            while (System.nanoTime() < deadline) {
                String answer = answers.poll(200, TimeUnit.MILLISECONDS);
                if (answer != null) {
                    return answer;
                }
                if (!process.isAlive()) {
                    process.waitFor(2, TimeUnit.SECONDS);
                    return answers.poll(500, TimeUnit.MILLISECONDS);
                }
            }
            return null;
        }

        boolean alive() {
            return process.isAlive();
        }

        String tail() {
            synchronized (stderr) {
                String text = stderr.toString();
                return (process.isAlive() ? "" : "exit " + process.exitValue() + ": ")
                        + text.substring(Math.max(0, text.length() - 400)).replace('\n', ' ');
            }
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
