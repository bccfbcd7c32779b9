package dev.bale.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.dataset.Datasets;
import dev.bale.dataset.ShardedContainer;
import dev.bale.pack.PackInput;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.source.SourceEntry;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.apache.spark.sql.functions.col;

/** spark.read.format("bale"), select → repack, and bale pack --engine spark from the command line. */
class BaleReaderTest {
    private static final int IMAGES = 300;

    @TempDir
    static Path dir;
    static Path photos;
    static Source source;
    static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        photos = dir.resolve("photos");
        SparkFixtures.photos(photos, IMAGES, 4, 20);
        source = Source.folder(photos);
        spark = SparkFixtures.session();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Path pack(Layout layout, int shards) throws Exception {
        Path out = dir.resolve("dataset-" + layout.id() + "-" + shards);
        if (!Files.exists(out)) {
            SourceInput input = new SourceInput(source);
            ShardedPacker.pack(input, out, PackOptions.of(layout), ShardedPacker.plan(input, shards, 0), PackListener.NONE);
        }
        return out;
    }

    @Test
    void everyRecordComesBackWithItsLabelInEveryLayout() throws Exception {
        for (Layout layout : Layout.values()) {
            Path dataset = pack(layout, 3);
            Dataset<Row> df = spark.read().format("bale").load(dataset.resolve("dataset.json").toString());
            assertEquals(3, df.javaRDD().getNumPartitions(), "one partition per shard");
            List<Row> rows = new ArrayList<>(df.collectAsList());
            rows.sort(java.util.Comparator.comparingLong(row -> row.getLong(0)));
            assertEquals(IMAGES, rows.size());
            int[] starts = {0, 100, 200};
            for (int i = 0; i < IMAGES; i++) {
                Row row = rows.get(i);
                SourceEntry entry = source.entries().get(i);
                assertEquals(i, row.getLong(0));
                assertEquals(entry.key(), row.getString(1), layout + " key " + i);
                assertEquals(entry.label(), row.getString(2), layout + " label " + i);
                assertEquals(source.classId(i), row.getInt(3));
                assertArrayEquals(Files.readAllBytes(entry.file()), (byte[]) row.get(4), layout + " bytes " + i);
                assertEquals(i >= starts[2] ? 2 : i >= starts[1] ? 1 : 0, row.getInt(5));
            }
        }
        // Its folder works as well as its dataset.json; Spark SQL sees the rows.
        spark.read().format("bale").load(pack(Layout.BIN, 3).toString()).createOrReplaceTempView("photos");
        List<Row> counts = spark.sql("SELECT label, count(*) FROM photos GROUP BY label ORDER BY label").collectAsList();
        assertEquals(4, counts.size());
        assertEquals(75L, counts.get(0).getLong(1));
    }

    @Test
    void aDamagedRecordFailsTheReadNamingIt() throws Exception {
        Path dataset = dir.resolve("damaged");
        copyTree(pack(Layout.BIN, 3), dataset);
        Path data = dataset.resolve("shard-00001.bin/data.bin");
        try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            long at = channel.size() / 2;
            channel.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            channel.write(one, at);
        }
        Exception error = assertThrows(Exception.class,
                () -> spark.read().format("bale").load(dataset.toString()).collectAsList());
        Throwable cause = error;
        while (cause != null && !(cause instanceof CorruptContainerException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "Bale's own error, not rows: " + error);
        assertTrue(cause.getMessage().contains("record"), cause.getMessage());
        // The undamaged shards still read.
        assertEquals(200, spark.read().format("bale").load(dataset.toString()).filter(col("shard").notEqual(1))
                .count());
    }

    @Test
    void aFilteredDataFrameRepacksWithTheSameJob() throws Exception {
        Dataset<Row> df = spark.read().format("bale").load(pack(Layout.LMDB, 3).toString());
        Dataset<Row> kept = df.filter(col("class_id").notEqual(1)).select("index", "key", "label", "class_id", "bytes");
        Path out = dir.resolve("repacked");
        PackResult result = PackJob.pack(spark, kept, out.toString(), PackOptions.of(Layout.TFRECORD), 2, 0,
                PackListener.NONE);
        assertEquals(225, result.records());
        // The same bytes a one-machine pack of those records writes, with the original class list.
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            if (source.classId(i) != 1) {
                chosen.add(i);
            }
        }
        PackInput filtered = new PackInput() {
            public int size() { return chosen.size(); }
            public List<String> classes() { return source.classes(); }
            public String key(int index) { return source.entries().get(chosen.get(index)).key(); }
            public int classId(int index) { return source.classId(chosen.get(index)); }
            public String describe(int index) { return key(index); }
            public long sizeHint() { return 0; }
            public ByteBuffer load(int index) throws java.io.IOException {
                return ByteBuffer.wrap(Files.readAllBytes(source.entries().get(chosen.get(index)).file()));
            }
        };
        Path local = dir.resolve("repacked-local");
        ShardedPacker.pack(filtered, local, PackOptions.of(Layout.TFRECORD), ShardedPacker.plan(filtered, 2, 0),
                PackListener.NONE);
        assertSameTree(local, out);
        try (ShardedContainer repacked = Datasets.open(out.toString())) {
            assertEquals(source.classes(), repacked.manifest().classes());
        }
    }

    @Test
    void aDataFrameOfKeysLabelsAndBytesPacksInItsOwnOrder() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            SourceEntry entry = source.entries().get(i * 7);
            rows.add(org.apache.spark.sql.RowFactory.create(entry.key(), "text " + (i % 3), Files.readAllBytes(entry.file())));
        }
        var schema = new org.apache.spark.sql.types.StructType()
                .add("key", "string").add("label", "string").add("bytes", "binary");
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(1);
        Path out = dir.resolve("from-rows");
        PackJob.pack(spark, df, out.toString(), PackOptions.of(Layout.SQLITE), 3, 0, PackListener.NONE);
        try (ShardedContainer packed = Datasets.open(out.toString()); RecordReader reader = packed.newReader()) {
            assertEquals(List.of("text 0", "text 1", "text 2"), packed.manifest().classes());
            for (int i = 0; i < 40; i++) {
                assertEquals(rows.get(i).getString(0), reader.key(i));
                assertEquals(i % 3, packed.classIds()[i]);
                ByteBuffer bytes = reader.read(i);
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                assertArrayEquals((byte[]) rows.get(i).get(2), copy);
            }
        }
    }

    @Test
    void balePackEngineSparkFromTheCommandLine() throws Exception {
        Path out = dir.resolve("cli");
        int code = dev.bale.cli.Main.run("pack", photos.toString(), out.toString(), "--format", "lmdb", "--shards", "3",
                "--engine", "spark", "--master", "local[2]");
        assertEquals(0, code);
        assertSameTree(pack(Layout.LMDB, 3), out);
        assertEquals(1, dev.bale.cli.Main.run("pack", photos.toString(), out.toString(), "--format", "lmdb",
                "--shards", "3", "--engine", "spark"), "an existing OUT is refused");
    }

    @Test
    void onAnotherFilesystemShardsAreCommittedFetchedAndChecked() throws Exception {
        Path small = dir.resolve("small");
        SparkFixtures.photos(small, 60, 3, 21);
        Path out = dir.resolve("other");
        PackJob.pack(spark, OtherFileSystem.of(small), null, OtherFileSystem.of(out), PackOptions.of(Layout.TFRECORD), 3, 0,
                PackListener.NONE);
        Path local = dir.resolve("other-local");
        SourceInput input = new SourceInput(Source.folder(small));
        ShardedPacker.pack(input, local, PackOptions.of(Layout.TFRECORD), ShardedPacker.plan(input, 3, 0), PackListener.NONE);
        assertSameTree(local, out);

        List<Row> rows = spark.read().format("bale").load(OtherFileSystem.of(out)).orderBy("index").collectAsList();
        assertEquals(60, rows.size());
        Source expected = Source.folder(small);
        for (int i = 0; i < 60; i++) {
            assertEquals(expected.entries().get(i).key(), rows.get(i).getString(1));
            assertArrayEquals(Files.readAllBytes(expected.entries().get(i).file()), (byte[]) rows.get(i).get(4));
        }
        // A shard changed after dataset.json was written: its SHA-256 no longer matches, nothing is returned.
        Path idx = out.resolve("shard-00002.tfrecord");
        byte[] bytes = Files.readAllBytes(idx);
        bytes[bytes.length / 2] ^= 1;
        Files.write(idx, bytes);
        Exception error = assertThrows(Exception.class,
                () -> spark.read().format("bale").load(OtherFileSystem.of(out)).collectAsList());
        Throwable cause = error;
        while (cause != null && !(cause instanceof CorruptContainerException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().contains("SHA-256"), String.valueOf(error));
    }

    private static void assertSameTree(Path expected, Path actual) throws Exception {
        TreeMap<String, byte[]> a = SparkFixtures.tree(expected);
        TreeMap<String, byte[]> b = SparkFixtures.tree(actual);
        assertEquals(a.keySet(), b.keySet());
        for (Map.Entry<String, byte[]> file : a.entrySet()) {
            assertArrayEquals(file.getValue(), b.get(file.getKey()), file.getKey());
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        for (Map.Entry<String, byte[]> file : SparkFixtures.tree(from).entrySet()) {
            Path target = to.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
    }

}
