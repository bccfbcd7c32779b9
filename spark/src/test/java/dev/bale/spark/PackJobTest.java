package dev.bale.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Layout;
import dev.bale.dataset.ShardPlan;
import dev.bale.pack.BadRecordException;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark pack job, local[2,2]: byte-identical to the one-machine pack, whatever fails and retries. */
class PackJobTest {
    private static final int IMAGES = 2000;
    private static final int SHARDS = 4;

    @TempDir
    static Path dir;
    static Path photos;
    static List<Path> files;
    static Path list;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        photos = dir.resolve("photos");
        files = SparkFixtures.photos(photos, IMAGES, 5, 10);
        list = SparkFixtures.listFile(photos, files, dir.resolve("list.txt"));
        spark = SparkFixtures.session();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Path reference(Layout layout, boolean fromList) throws Exception {
        Path out = dir.resolve("reference-" + layout.id() + (fromList ? "-list" : "-folder"));
        if (!Files.exists(out)) {
            Source source = fromList ? Source.list(list, photos) : Source.folder(photos);
            SourceInput input = new SourceInput(source);
            ShardedPacker.pack(input, out, PackOptions.of(layout), ShardedPacker.plan(input, SHARDS, 0), PackListener.NONE);
        }
        return out;
    }

    private static PackResult sparkPack(Layout layout, boolean fromList, Path out) throws Exception {
        return PackJob.pack(spark, photos.toString(), fromList ? list.toString() : null, out.toString(),
                PackOptions.of(layout), SHARDS, 0, PackListener.NONE);
    }

    private static void assertSameTree(Path expected, Path actual) throws Exception {
        TreeMap<String, byte[]> a = SparkFixtures.tree(expected);
        TreeMap<String, byte[]> b = SparkFixtures.tree(actual);
        assertEquals(a.keySet(), b.keySet(), "the same files");
        for (Map.Entry<String, byte[]> file : a.entrySet()) {
            assertArrayEquals(file.getValue(), b.get(file.getKey()), file.getKey() + " differs");
        }
    }

    @Test
    void everyLayoutIsByteIdenticalToTheOneMachinePack() throws Exception {
        for (Layout layout : Layout.values()) {
            boolean fromList = layout == Layout.SQLITE || layout == Layout.TFRECORD;
            Path out = dir.resolve("spark-" + layout.id());
            PackResult result = sparkPack(layout, fromList, out);
            assertEquals(IMAGES, result.records());
            assertTrue(result.skipped().isEmpty());
            // dataset.json included: the same shards, sizes, SHA-256s and classes; no staging left behind.
            assertSameTree(reference(layout, fromList), out);
        }
    }

    @Test
    void aShardSizeAndAListFileAsSourcePlanAsTheOneMachinePack() throws Exception {
        long size = 1_500_000;
        Path inside = SparkFixtures.listFile(photos, files, photos.resolve("all.txt"));
        Path local = dir.resolve("by-size-local");
        SourceInput input = new SourceInput(Source.list(inside, photos));
        ShardedPacker.pack(input, local, PackOptions.of(Layout.SQLITE), ShardedPacker.plan(input, 0, size),
                PackListener.NONE);
        Path out = dir.resolve("by-size");
        // SOURCE is the list file itself: its paths are relative to its folder.
        PackJob.pack(spark, inside.toString(), null, out.toString(), PackOptions.of(Layout.SQLITE), 0, size,
                PackListener.NONE);
        assertTrue(SparkFixtures.tree(out).size() > 3, "several shards");
        assertSameTree(local, out);
        Files.delete(inside);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsTheSame() throws Exception {
        AtomicInteger failed = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    failed.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(counter);
        // Shard 1 dies with its files uploaded but not renamed; shard 2 once its shard is in place.
        System.setProperty(FailureInjection.PROPERTY, "1:staged,2:committed");
        try {
            Path out = dir.resolve("retried");
            sparkPack(Layout.BIN, false, out);
            assertSameTree(reference(Layout.BIN, false), out);
        } finally {
            System.clearProperty(FailureInjection.PROPERTY);
            spark.sparkContext().removeSparkListener(counter);
        }
        Thread.sleep(200); // the listener bus delivers asynchronously
        assertEquals(2, failed.get(), "two first attempts failed");
    }

    @Test
    void speculativeDuplicatesAndLeftoversLeaveOneCorrectShard() throws Exception {
        Layout layout = Layout.TFRECORD; // two top-level files per shard: the harder case
        Path reference = reference(layout, false);
        HadoopConf conf = new HadoopConf(new Configuration());
        HadoopInput input = SourceListing.folder(photos.toString(), conf);
        ShardPlan plan = ShardedPacker.plan(input, SHARDS, 0);
        Path out = dir.resolve("duplicates");
        Files.createDirectories(out);
        // A half-committed leftover under shard 1's names: replaced.
        Files.writeString(out.resolve(ShardPlan.name(1, layout)), "stale");
        JobSettings settings = JobSettings.of(PackOptions.of(layout));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ShardOutcome>> attempts = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                for (int copy = 0; copy < 2; copy++) { // two attempts of each shard at once
                    int shard = s;
                    attempts.add(pool.submit(() -> ShardWriter.write(input.slice(plan.from(shard), plan.to(shard))
                            .withClasses(new ArrayList<>(input.classes())), plan,
                            shard, settings, out.toString(), conf, null)));
                }
            }
            for (Future<ShardOutcome> attempt : attempts) {
                attempt.get();
            }
        } finally {
            pool.shutdown();
        }
        TreeMap<String, byte[]> expected = SparkFixtures.tree(reference);
        TreeMap<String, byte[]> actual = SparkFixtures.tree(out);
        List<String> names = new ArrayList<>();
        for (String name : expected.keySet()) {
            if (name.startsWith("shard-00000") || name.startsWith("shard-00001")) {
                names.add(name);
                assertArrayEquals(expected.get(name), actual.get(name), name);
            }
        }
        assertEquals(names, new ArrayList<>(actual.keySet()), "exactly the two shards' files, nothing else");
    }

    @Test
    void aMissingFileFailsTheJobNamingItsLineAndPath() throws Exception {
        Path root = dir.resolve("missing");
        List<Path> some = SparkFixtures.photos(root, 30, 3, 11);
        Path badList = SparkFixtures.listFile(root, some, dir.resolve("missing.txt"));
        Files.delete(some.get(17));
        Path out = dir.resolve("missing-out");
        BadRecordException error = assertThrows(BadRecordException.class, () -> PackJob.pack(spark, root.toString(),
                badList.toString(), out.toString(), PackOptions.of(Layout.SQLITE), 3, 0, PackListener.NONE));
        assertTrue(error.getMessage().contains("missing.txt line 18"), error.getMessage());
        assertTrue(error.getMessage().contains(some.get(17).toString()), error.getMessage());
        assertTrue(error.getMessage().contains("file not found"), error.getMessage());
        assertFalse(Files.exists(out), "a failed job leaves nothing, no dataset.json");

        Files.delete(some.get(3));
        PackResult skipped = PackJob.pack(spark, root.toString(), badList.toString(), out.toString(),
                PackOptions.of(Layout.SQLITE).withOnBad(PackOptions.OnBad.SKIP), 3, 0, PackListener.NONE);
        assertEquals(28, skipped.records());
        assertEquals(List.of(3, 17), skipped.skipped().stream().map(BadRecordException::index).toList());
        List<String> report = Files.readAllLines(dir.resolve("missing-out" + PackJob.SKIPPED_SUFFIX), StandardCharsets.UTF_8);
        assertEquals(2, report.size());
        assertTrue(report.get(0).startsWith(badList + " line 4: " + some.get(3)), report.get(0));
        assertTrue(report.get(1).startsWith(badList + " line 18: " + some.get(17)), report.get(1));
        assertTrue(Files.exists(out.resolve("dataset.json")));
        // The same as a one-machine pack that skips the same records.
        Path local = dir.resolve("missing-local");
        SourceInput input = new SourceInput(Source.list(badList, root));
        ShardedPacker.pack(input, local, PackOptions.of(Layout.SQLITE).withOnBad(PackOptions.OnBad.SKIP),
                ShardedPacker.plan(input, 3, 0), PackListener.NONE);
        assertSameTree(local, out);
    }

    @Test
    void anExistingOutputIsRefusedUnlessForced() throws Exception {
        Path out = dir.resolve("existing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> sparkPack(Layout.BIN, false, out));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        // --force replaces a dataset, but never a folder that is not one.
        PackOptions forced = PackOptions.of(Layout.BIN).withForce(true);
        assertThrows(java.io.IOException.class, () -> PackJob.pack(spark, photos.toString(), null, out.toString(),
                forced, 2, 0, PackListener.NONE));
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        Path dataset = dir.resolve("existing-dataset");
        PackJob.pack(spark, photos.toString(), null, dataset.toString(), PackOptions.of(Layout.BIN), 2, 0, PackListener.NONE);
        PackResult again = PackJob.pack(spark, photos.toString(), null, dataset.toString(), forced.withThreads(2),
                SHARDS, 0, PackListener.NONE);
        assertEquals(IMAGES, again.records());
        assertNull(again.report());
        assertSameTree(reference(Layout.BIN, false), dataset);
        assertEquals(List.of("existing-dataset"), leftovers("existing-dataset"), "no staging folder left beside it");

        // A forced job that fails leaves the dataset it was to replace as it was.
        Path broken = dir.resolve("broken-list.txt");
        List<String> lines = new ArrayList<>();
        try (var files = Files.walk(photos)) {
            files.filter(Files::isRegularFile).sorted().limit(3)
                    .forEach(p -> lines.add(photos.relativize(p) + "\t" + p.getParent().getFileName()));
        }
        lines.add("a/missing.jpg\ta");
        Files.write(broken, lines);
        assertThrows(BadRecordException.class, () -> PackJob.pack(spark, photos.toString(), broken.toString(),
                dataset.toString(), forced, 2, 0, PackListener.NONE));
        assertSameTree(reference(Layout.BIN, false), dataset);
        assertEquals(List.of("existing-dataset"), leftovers("existing-dataset"), "the failed job's folder is removed");
    }

    /** The entries of the test folder whose names contain {@code name}: a dataset and whatever a job left beside it. */
    private List<String> leftovers(String name) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.contains(name) && !n.endsWith(".skipped.txt"))
                    .sorted().toList();
        }
    }
}
