package dev.bale.container.foreign;

import static dev.bale.container.foreign.ForeignWriters.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.OpenOptions;
import dev.bale.container.RawPixels;
import dev.bale.container.RecordReader;
import dev.bale.image.opencv.RawImages;
import dev.bale.inspect.Inspection;
import dev.bale.pack.ContainerInput;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.Packer;
import dev.bale.pack.PackListener;
import dev.bale.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForeignDatasetTest {
    private static final int RECORDS = 12; // > 10, so that LMDB's key order ("10" < "2") is not record order

    @TempDir
    Path dir;

    static List<Fixtures.Image> images() {
        return Fixtures.images(RECORDS, 11);
    }

    /** Every record's bytes, key and label text as the reader gives them. */
    private static void assertRecords(Container c, List<byte[]> bytes, List<String> keys, List<String> labels) {
        assertEquals(bytes.size(), c.size());
        try (RecordReader r = c.newReader()) {
            for (int i = 0; i < bytes.size(); i++) {
                assertArrayEquals(bytes.get(i), bytes(r.read(i)), "record " + i);
                if (keys != null) {
                    assertEquals(keys.get(i), r.key(i), "key " + i);
                }
                if (labels != null) {
                    String label = c.classIds()[i] < 0 ? null : c.manifest().label(c.classIds()[i]);
                    assertEquals(labels.get(i), label, "label " + i);
                }
            }
        }
    }

    /** Four threads, each with its own reader, in different orders: byte-exact with one thread's reads. */
    static void assertConcurrentReadsMatch(Container c) {
        List<byte[]> reference = new ArrayList<>();
        try (RecordReader r = c.newReader()) {
            for (int i = 0; i < c.size(); i++) {
                reference.add(bytes(r.read(i)));
            }
        }
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            long seed = t;
            threads.add(new Thread(() -> {
                try (RecordReader r = c.newReader()) {
                    List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, c.size()).boxed().toList());
                    for (int round = 0; round < 5; round++) {
                        java.util.Collections.shuffle(order, new java.util.Random(seed * 31 + round));
                        for (int i : order) {
                            assertArrayEquals(reference.get(i), bytes(r.read(i)), "record " + i);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Converts to every layout, reopens, and checks bytes (or, for raw sources, decoded pixels), keys and labels. */
    private void assertConvertsToEveryLayout(Container source) throws IOException {
        assertConcurrentReadsMatch(source);
        for (Layout layout : Layout.values()) {
            Path out = dir.resolve("converted-" + layout.id() + (layout == Layout.SQLITE ? ".db" : layout == Layout.TFRECORD ? ".tfrecord" : ""));
            try (ContainerInput input = new ContainerInput(source)) {
                Packer.pack(input, out, PackOptions.of(layout), PackListener.NONE);
            }
            try (Container back = Containers.open(out); RecordReader a = source.newReader(); RecordReader b = back.newReader()) {
                assertEquals(layout, back.layout());
                assertEquals(source.size(), back.size());
                for (int i = 0; i < source.size(); i++) {
                    ByteBuffer original = a.read(i);
                    RawPixels raw = a.rawPixels();
                    ByteBuffer converted = b.read(i);
                    if (raw == null) {
                        assertEquals(original, converted, layout + " record " + i);
                    } else {
                        assertNull(RawImages.differs(converted, original, raw), layout + " record " + i);
                    }
                    assertEquals(a.key(i), b.key(i));
                    assertEquals(source.manifest().label(source.classIds()[i]), back.manifest().label(back.classIds()[i]));
                }
            }
        }
    }

    // ---- plain bin + text index ----

    @Test
    void plainBinFolderOpensInPlaceAndConverts() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("plain"));
        List<byte[]> records = images().stream().map(Fixtures.Image::bytes).toList();
        List<String> labels = images().stream().map(im -> Integer.toString(im.classId())).toList();
        ForeignWriters.plainBin(folder.resolve("train.bin"), folder.resolve("train.txt"), records, labels);
        long before = Files.getLastModifiedTime(folder.resolve("train.bin")).toMillis();
        try (Container c = Containers.open(folder)) {
            ForeignContainer f = assertInstanceOf(ForeignContainer.class, c);
            assertEquals(ForeignKind.PLAIN_BIN, f.kind());
            assertEquals("int", f.labelKind());
            assertRecords(c, records, null, labels);
            Inspection inspection = Inspection.of(c);
            assertTrue(inspection.toText().contains("unchecksummed"), inspection.toText());
            assertTrue(inspection.toText().contains("train.txt"), inspection.toText());
            assertConvertsToEveryLayout(c);
        }
        assertEquals(before, Files.getLastModifiedTime(folder.resolve("train.bin")).toMillis(), "read-only");
        // The data file itself, with --index; and an index without labels.
        ForeignWriters.plainBin(dir.resolve("x.data"), dir.resolve("x.idx"), records, null);
        try (Container c = Containers.open(dir.resolve("x.data"), new OpenOptions(dir.resolve("x.idx"), null, null, null, null))) {
            assertEquals("none", ((ForeignContainer) c).labelKind());
            assertEquals(-1, c.classIds()[0]);
            assertRecords(c, records, null, null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"past-end", "zero", "negative", "garbage"})
    void plainBinIndexLinesAreCheckedAgainstTheFile(String damage) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("plain"));
        List<byte[]> records = images().stream().map(Fixtures.Image::bytes).toList();
        ForeignWriters.plainBin(folder.resolve("train.bin"), folder.resolve("train.txt"), records, null);
        List<String> lines = new ArrayList<>(Files.readAllLines(folder.resolve("train.txt")));
        long size = Files.size(folder.resolve("train.bin"));
        lines.set(2, switch (damage) {
            case "past-end" -> (size - 10) + "\t20";
            case "zero" -> "0\t0";
            case "negative" -> "0\t-5";
            default -> "0\tabc";
        });
        if (damage.equals("garbage")) {
            lines.set(0, lines.get(0)); // the first line still looks like an index: sniffing finds it
        }
        Files.write(folder.resolve("train.txt"), lines);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(folder));
        assertTrue(e.getMessage().contains("train.txt line 3"), e.getMessage());
    }

    @Test
    void nothingMatchesListsEveryKindTried() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("junk"));
        Files.write(folder.resolve("a.dat"), new byte[] {1, 2, 3});
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(folder));
        for (String kind : List.of("bin (Bale)", "lmdb", "plain-bin", "webdataset")) {
            assertTrue(e.getMessage().contains(kind), e.getMessage());
        }
        Path file = dir.resolve("junk.bin");
        Files.write(file, new byte[100]);
        e = assertThrows(CorruptContainerException.class, () -> Containers.open(file));
        for (String kind : List.of("tfrecord", "plain-sqlite", "webdataset", "plain-bin")) {
            assertTrue(e.getMessage().contains(kind), e.getMessage());
        }
    }

    // ---- plain SQLite ----

    @Test
    void plainSqliteWithTheTutorialsSchema() throws Exception {
        Path db = dir.resolve("train.db");
        List<Object[]> rows = new ArrayList<>();
        for (Fixtures.Image im : images()) {
            rows.add(new Object[] {im.key(), im.bytes(), Fixtures.CLASSES.get(im.classId())});
        }
        ForeignWriters.sqlite(db, "CREATE TABLE images (img_path TEXT PRIMARY KEY, img_data BLOB, img_label TEXT)",
                "INSERT INTO images VALUES (?, ?, ?)", rows);
        try (Container c = Containers.open(db)) {
            assertEquals(ForeignKind.PLAIN_SQLITE, ((ForeignContainer) c).kind());
            assertEquals("text", ((ForeignContainer) c).labelKind());
            assertRecords(c, images().stream().map(Fixtures.Image::bytes).toList(),
                    images().stream().map(Fixtures.Image::key).toList(),
                    images().stream().map(im -> Fixtures.CLASSES.get(im.classId())).toList());
            assertConvertsToEveryLayout(c);
        }
    }

    @Test
    void plainSqliteAnyTableWithOneBlobOrNamedColumns() throws Exception {
        Path db = dir.resolve("other.db");
        List<Object[]> rows = new ArrayList<>();
        for (Fixtures.Image im : images()) {
            rows.add(new Object[] {im.key(), im.bytes(), new byte[] {1}, im.classId()});
        }
        ForeignWriters.sqlite(db, "CREATE TABLE photos (name TEXT, jpeg BLOB, thumb BLOB, cls INTEGER)",
                "INSERT INTO photos VALUES (?, ?, ?, ?)", rows);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(db));
        assertTrue(e.getMessage().contains("plain-sqlite") && e.getMessage().contains("--table"), e.getMessage());
        try (Container c = Containers.open(db, new OpenOptions(null, "photos", List.of("name", "jpeg", "cls"), null, null))) {
            assertRecords(c, images().stream().map(Fixtures.Image::bytes).toList(),
                    images().stream().map(Fixtures.Image::key).toList(),
                    images().stream().map(im -> Integer.toString(im.classId())).toList());
        }
    }

    @Test
    void plainSqliteNullBlobNamesTheRecordAndConvertCanSkipIt() throws Exception {
        Path db = dir.resolve("nulls.db");
        List<Object[]> rows = new ArrayList<>();
        for (Fixtures.Image im : images()) {
            rows.add(new Object[] {im.key(), rows.size() == 3 ? null : im.bytes(), "x"});
        }
        ForeignWriters.sqlite(db, "CREATE TABLE t (img_path TEXT, img_data BLOB, img_label TEXT)",
                "INSERT INTO t VALUES (?, ?, ?)", rows);
        try (Container c = Containers.open(db); RecordReader r = c.newReader()) {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> r.read(3));
            assertTrue(e.getMessage().contains("record 3 (" + images().get(3).key() + ")"), e.getMessage());
            assertTrue(Inspection.of(c).toText().contains("NULL"));
            PackResult result;
            try (ContainerInput input = new ContainerInput(c)) {
                result = Packer.pack(input, dir.resolve("skipped.bin"), PackOptions.of(Layout.BIN)
                        .withOnBad(PackOptions.OnBad.SKIP), PackListener.NONE);
            }
            assertEquals(RECORDS - 1, result.records());
            assertEquals(1, result.skipped().size());
        }
        Path dup = dir.resolve("dup.db");
        ForeignWriters.sqlite(dup, "CREATE TABLE images (img_path TEXT, img_data BLOB, img_label TEXT)",
                "INSERT INTO images VALUES (?, ?, ?)", List.of(new Object[] {"a", new byte[] {1}, "x"},
                        new Object[] {"a", new byte[] {2}, "y"}));
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(dup));
        assertTrue(e.getMessage().contains("record 1 (a)") && e.getMessage().contains("twice"), e.getMessage());
    }

    // ---- encoded LMDB and Caffe LMDB ----

    @Test
    void encodedLmdbInKeyOrderWithALabelsFile() throws IOException {
        Map<byte[], byte[]> pairs = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (Fixtures.Image im : images()) {
            pairs.put(im.key().getBytes(StandardCharsets.UTF_8), im.bytes());
            keys.add(im.key());
        }
        ForeignWriters.lmdb(dir.resolve("enc"), pairs);
        List<Fixtures.Image> sorted = new ArrayList<>(images());
        sorted.sort((a, b) -> java.util.Arrays.compareUnsigned(a.key().getBytes(StandardCharsets.UTF_8), b.key().getBytes(StandardCharsets.UTF_8)));
        Files.write(dir.resolve("labels.txt"), sorted.stream().map(im -> Integer.toString(im.classId())).toList());
        try (Container c = Containers.open(dir.resolve("enc"), new OpenOptions(null, null, null, dir.resolve("labels.txt"), null))) {
            assertEquals(ForeignKind.ENCODED_LMDB, ((ForeignContainer) c).kind());
            assertRecords(c, sorted.stream().map(Fixtures.Image::bytes).toList(), sorted.stream().map(Fixtures.Image::key).toList(),
                    sorted.stream().map(im -> Integer.toString(im.classId())).toList());
        }
    }

    @Test
    void caffeLmdbRawAndEncodedDatums() throws IOException {
        Map<byte[], byte[]> pairs = new LinkedHashMap<>();
        List<byte[]> hwc = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            int h = 20 + i;
            int w = 30 - i;
            byte[] rgb = ForeignWriters.pixels(h, w, 3, i);
            hwc.add(rgb);
            String key = String.format("%08d_train/img_%d.jpg", i, i);
            pairs.put(key.getBytes(StandardCharsets.US_ASCII), ForeignWriters.rawDatum(ForeignWriters.chwBgr(rgb, h, w), 3, h, w, i % 4));
        }
        ForeignWriters.lmdb(dir.resolve("caffe"), pairs);
        try (Container c = Containers.open(dir.resolve("caffe")); RecordReader r = c.newReader()) {
            ForeignContainer f = (ForeignContainer) c;
            assertEquals(ForeignKind.CAFFE_LMDB, f.kind());
            assertTrue(f.evidence().contains("%08d_<path>"), f.evidence());
            for (int i = 0; i < RECORDS; i++) {
                ByteBuffer data = r.read(i);
                RawPixels raw = r.rawPixels();
                assertEquals(new RawPixels(20 + i, 30 - i, 3, true, true), raw);
                assertArrayEquals(ForeignWriters.chwBgr(hwc.get(i), 20 + i, 30 - i), bytes(data));
                assertEquals("train/img_" + i + ".jpg", r.key(i));
                assertEquals(i % 4, c.classIds()[i]);
            }
            assertConvertsToEveryLayout(c);
        }
        Map<byte[], byte[]> encoded = new LinkedHashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            encoded.put(String.format("%08d_%s", i, images().get(i).key()).getBytes(StandardCharsets.UTF_8),
                    ForeignWriters.encodedDatum(images().get(i).bytes(), images().get(i).classId()));
        }
        ForeignWriters.lmdb(dir.resolve("caffe-enc"), encoded);
        try (Container c = Containers.open(dir.resolve("caffe-enc"))) {
            assertRecords(c, images().stream().map(Fixtures.Image::bytes).toList(), images().stream().map(Fixtures.Image::key).toList(),
                    images().stream().map(im -> Integer.toString(im.classId())).toList());
        }
    }

    @Test
    void caffeDatumWhoseShapeDoesNotMatchItsDataIsABadRecord() throws IOException {
        Map<byte[], byte[]> pairs = new LinkedHashMap<>();
        pairs.put("00000000_a.jpg".getBytes(StandardCharsets.US_ASCII), ForeignWriters.rawDatum(new byte[12], 1, 2, 6, 0));
        pairs.put("00000001_b.jpg".getBytes(StandardCharsets.US_ASCII), ForeignWriters.rawDatum(new byte[11], 3, 2, 2, 1));
        ForeignWriters.lmdb(dir.resolve("caffe-bad"), pairs);
        try (Container c = Containers.open(dir.resolve("caffe-bad"), OpenOptions.none().withKind("caffe-lmdb"));
             RecordReader r = c.newReader()) {
            assertEquals(12, r.read(0).remaining());
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> r.read(1));
            assertTrue(e.getMessage().contains("record 1 (b.jpg)") && e.getMessage().contains("11 bytes"), e.getMessage());
        }
    }

    // ---- WebDataset ----

    @Test
    void webDatasetShardsByBraceList() throws IOException {
        List<byte[]> expected = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            List<Map.Entry<String, byte[]>> members = new ArrayList<>();
            for (int j = 0; j < RECORDS / 2; j++) {
                Fixtures.Image im = images().get(s * RECORDS / 2 + j);
                String key = "part" + s + "/sample" + j;
                members.add(Map.entry(key + ".cls", Integer.toString(im.classId()).getBytes(StandardCharsets.US_ASCII)));
                members.add(Map.entry(key + "." + (im.format().equals("jpg") ? "jpg" : "png"), im.bytes()));
                members.add(Map.entry(key + ".json", "{}".getBytes(StandardCharsets.US_ASCII)));
                expected.add(im.bytes());
                keys.add(key);
                labels.add(Integer.toString(im.classId()));
            }
            ForeignWriters.tar(dir.resolve(String.format("shards-%06d.tar", s)), members);
        }
        try (Container c = Containers.open(dir.resolve("shards-{000000..000001}.tar")); RecordReader r = c.newReader()) {
            assertEquals(ForeignKind.WEBDATASET, ((ForeignContainer) c).kind());
            assertRecords(c, expected, keys, labels);
            assertTrue(r.read(0).isDirect(), "a slice of the mapped shard");
            assertConvertsToEveryLayout(c);
        }
        try (Container c = Containers.open(dir.resolve("shards-000001.tar"))) {
            assertEquals(RECORDS / 2, c.size());
        }
    }

    @Test
    void webDatasetSampleWithoutAnImageIsABadRecord() throws IOException {
        ForeignWriters.tar(dir.resolve("one.tar"), List.of(Map.entry("a.txt", "hello".getBytes(StandardCharsets.UTF_8)),
                Map.entry("b.png", images().get(1).bytes()), Map.entry("b.txt", "world".getBytes(StandardCharsets.UTF_8))));
        try (Container c = Containers.open(dir.resolve("one.tar")); RecordReader r = c.newReader()) {
            assertEquals(2, c.size());
            assertEquals("text", ((ForeignContainer) c).labelKind());
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> r.read(0));
            assertTrue(e.getMessage().contains("record 0 (a)"), e.getMessage());
            assertEquals("world", c.manifest().label(c.classIds()[1]));
        }
    }
}
