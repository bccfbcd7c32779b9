package dev.bale.container.foreign;

import static dev.bale.container.foreign.ForeignWriters.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RawPixels;
import dev.bale.container.RecordReader;
import dev.bale.image.opencv.RawImages;
import dev.bale.inspect.Inspection;
import dev.bale.loader.BadSamplePolicy;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.LoaderException;
import dev.bale.pack.ContainerInput;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.Packer;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LMDBs of pickled decoded pixels, as the "too many small files" tutorials write them. */
class PickledLmdbTest {
    private static final int RECORDS = 12;
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    record Raw(int height, int width, byte[] pixels, int label) {
    }

    static List<Raw> raws() {
        List<Raw> raws = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            int h = 24 + i % 5;
            int w = 30 + i % 7;
            raws.add(new Raw(h, w, ForeignWriters.pixels(h, w, 3, 100 + i), i % 3));
        }
        return raws;
    }

    private static void assertPixels(Container c, List<Raw> raws) {
        assertEquals(raws.size(), c.size());
        try (RecordReader r = c.newReader()) {
            for (int i = 0; i < raws.size(); i++) {
                Raw raw = raws.get(i);
                assertArrayEquals(raw.pixels(), bytes(r.read(i)), "record " + i);
                assertEquals(new RawPixels(raw.height(), raw.width(), 3, false, false), r.rawPixels());
                assertEquals(Integer.toString(i), r.key(i));
                assertEquals(raw.label(), c.classIds()[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void tutorialObjectsOpenInRecordOrderAndConvertToLosslessPng(int protocol) throws IOException {
        List<byte[]> values = raws().stream().map(r -> PickleWriter.dumps(
                PickleWriter.lmdbImage(r.height(), r.width(), 3, r.pixels(), r.label()), protocol)).toList();
        ForeignWriters.pickledLmdb(dir.resolve("train.lmdb"), values, protocol);
        try (Container c = Containers.open(dir.resolve("train.lmdb"))) {
            ForeignContainer f = assertInstanceOf(ForeignContainer.class, c);
            assertEquals(ForeignKind.PICKLE_LMDB, f.kind());
            assertTrue(f.evidence().contains("__keys__/__len__") && f.evidence().contains("__main__.LMDB_Image"), f.evidence());
            assertPixels(c, raws());
            ForeignDatasetTest.assertConcurrentReadsMatch(c);
            try (RecordReader r = c.newReader()) {
                // Protocol 4 stores bytes as bytes: the pixels are read inside LMDB's map, not copied.
                // (a copy would land in the reader's one reused buffer, at the same address every time).
                long first = new org.bytedeco.javacpp.Pointer(r.read(0)).address();
                long second = new org.bytedeco.javacpp.Pointer(r.read(1)).address();
                assertEquals(protocol == 4, first != second);
            }
            String text = Inspection.of(c).toText();
            assertTrue(text.contains("HWC RGB") && text.contains("unchecksummed"), text);
            for (Layout layout : Layout.values()) {
                Path out = dir.resolve("png-" + layout.id());
                try (ContainerInput input = new ContainerInput(c)) {
                    Packer.pack(input, out, PackOptions.of(layout), PackListener.NONE);
                }
                try (Container png = Containers.open(out); RecordReader r = png.newReader()) {
                    for (int i = 0; i < RECORDS; i++) {
                        ByteBuffer encoded = r.read(i);
                        assertEquals(0x89, encoded.get(0) & 0xFF, "a PNG");
                        Raw raw = raws().get(i);
                        assertNull(RawImages.differs(encoded, ByteBuffer.wrap(raw.pixels()),
                                new RawPixels(raw.height(), raw.width(), 3, false, false)), layout + " record " + i);
                        assertEquals(Integer.toString(i), r.key(i));
                        assertEquals(raw.label(), png.classIds()[i]);
                    }
                }
            }
        }
    }

    @Test
    void numpyArrayAndLabelTuples() throws IOException {
        List<byte[]> values = raws().stream().map(r -> PickleWriter.dumps(new Object[] {
                new PickleWriter.Array(new int[] {r.height(), r.width(), 3}, r.pixels()), "class " + r.label()}, 2)).toList();
        ForeignWriters.pickledLmdb(dir.resolve("tuples"), values, 2);
        try (Container c = Containers.open(dir.resolve("tuples")); RecordReader r = c.newReader()) {
            assertEquals("text", ((ForeignContainer) c).labelKind());
            for (int i = 0; i < RECORDS; i++) {
                assertArrayEquals(raws().get(i).pixels(), bytes(r.read(i)));
                assertEquals("class " + raws().get(i).label(), c.manifest().label(c.classIds()[i]));
            }
        }
    }

    /** Records 3, 5 and 7 try to run code; the rest are fine. */
    private Path lmdbWithEvilRecords(Path marker) {
        List<byte[]> values = new ArrayList<>();
        for (Raw r : raws()) {
            values.add(PickleWriter.dumps(PickleWriter.lmdbImage(r.height(), r.width(), 3, r.pixels(), r.label()), 4));
        }
        values.set(3, PickleWriter.dumps(new PickleWriter.Call("posix", "system", new Object[] {"touch " + marker}), 4));
        values.set(5, PickleWriter.dumps(new PickleWriter.Call("builtins", "eval",
                new Object[] {"__import__('os').system('touch " + marker + "')"}), 2));
        values.set(7, PickleWriter.dumps(new PickleWriter.Call("mytools", "cleanup", new Object[] {marker.toString()}), 4));
        Path lmdb = dir.resolve("evil");
        ForeignWriters.pickledLmdb(lmdb, values, 4);
        return lmdb;
    }

    @Test
    void picklesThatNameCodeAreRefusedNamingTheKeyAndTheGlobal() throws IOException {
        Path marker = dir.resolve("marker");
        try (Container c = Containers.open(lmdbWithEvilRecords(marker)); RecordReader r = c.newReader()) {
            assertEquals(3, ((ForeignContainer) c).badRecords().size(), ((ForeignContainer) c).badRecords().toString());
            Map<Integer, String> expected = Map.of(3, "posix.system", 5, "builtins.eval", 7, "mytools.cleanup");
            expected.forEach((i, global) -> {
                CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> r.read(i));
                assertTrue(e.getMessage().contains("record " + i + " (" + i + ")") && e.getMessage().contains(global),
                        e.getMessage());
            });
            assertArrayEquals(raws().get(4).pixels(), bytes(r.read(4)), "the good records still read");
        }
        assertFalse(Files.exists(marker), "nothing ran");
    }

    @Test
    void theLoaderFailsOnARefusedPickleOrSkipsIt() throws IOException {
        Path marker = dir.resolve("marker");
        try (Container c = Containers.open(lmdbWithEvilRecords(marker))) {
            try (DataLoader loader = DataLoader.builder(c).batchSize(4).workers(2).transform(Transform.eval(32, 24)).build()) {
                LoaderException e = assertThrows(LoaderException.class, () -> {
                    for (Batch batch : loader.epoch(0)) {
                        batch.size();
                    }
                });
                // Two workers: whichever refused record a worker reaches first ends the epoch.
                assertTrue(e.getMessage().matches("(?s)record ([357]) \\(\\1\\).*pickle refused.*"), e.getMessage());
            }
            try (DataLoader loader = DataLoader.builder(c).batchSize(4).workers(2).transform(Transform.eval(32, 24))
                    .onBadSample(BadSamplePolicy.SKIP).build()) {
                int samples = 0;
                for (Batch batch : loader.epoch(0)) {
                    samples += batch.size();
                }
                assertEquals(RECORDS, samples);
                assertEquals(3, loader.lastStats().skipped());
            }
        }
        assertFalse(Files.exists(marker), "nothing ran");
    }

    @Test
    void theLoaderOnRawPixelsIsPixelExactWithTheLoaderOnTheirPngs() throws IOException {
        List<byte[]> values = raws().stream().map(r -> PickleWriter.dumps(
                PickleWriter.lmdbImage(r.height(), r.width(), 3, r.pixels(), r.label()), 4)).toList();
        ForeignWriters.pickledLmdb(dir.resolve("train.lmdb"), values, 4);
        Path png = dir.resolve("png.bin");
        try (Container raw = Containers.open(dir.resolve("train.lmdb"))) {
            try (ContainerInput input = new ContainerInput(raw)) {
                Packer.pack(input, png, PackOptions.of(Layout.BIN), PackListener.NONE);
            }
            for (Transform transform : List.of(Transform.train(20).withColorJitter(0.3f, 0.3f, 0.3f), Transform.eval(28, 24))) {
                try (Container encoded = Containers.open(png)) {
                    assertEquals(sums(encoded, transform, 1), sums(raw, transform, 3), transform.toString());
                }
            }
        }
    }

    private static List<Long> sums(Container container, Transform transform, int workers) {
        List<Long> sums = new ArrayList<>();
        try (DataLoader loader = DataLoader.builder(container).batchSize(5).workers(workers).transform(transform)
                .shuffle(true).seed(7).build()) {
            for (Batch batch : loader.epoch(1)) {
                CRC32C crc = new CRC32C();
                crc.update(batch.imageBuffer());
                crc.update(ByteBuffer.wrap(java.util.Arrays.toString(batch.indices()).getBytes(StandardCharsets.US_ASCII)));
                sums.add(crc.getValue());
            }
        }
        return sums;
    }

    @Test
    void structuralDamageNamesTheKey() throws IOException {
        Raw r0 = raws().get(0);
        byte[] good = PickleWriter.dumps(PickleWriter.lmdbImage(r0.height(), r0.width(), 3, r0.pixels(), 0), 4);
        Map<byte[], byte[]> missing = new LinkedHashMap<>();
        missing.put("0".getBytes(StandardCharsets.US_ASCII), good);
        missing.put(ForeignLmdb.KEYS, PickleWriter.dumps(List.of("0".getBytes(StandardCharsets.US_ASCII),
                "1".getBytes(StandardCharsets.US_ASCII)), 4));
        ForeignWriters.lmdb(dir.resolve("missing"), missing);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("record 1 (1)") && e.getMessage().contains("not in the database"), e.getMessage());

        Map<byte[], byte[]> duplicate = new LinkedHashMap<>();
        duplicate.put("0".getBytes(StandardCharsets.US_ASCII), good);
        duplicate.put(ForeignLmdb.KEYS, PickleWriter.dumps(List.of("0", "0"), 4));
        ForeignWriters.lmdb(dir.resolve("duplicate"), duplicate);
        e = assertThrows(CorruptContainerException.class, () -> Containers.open(dir.resolve("duplicate")));
        assertTrue(e.getMessage().contains("record 1 (0)") && e.getMessage().contains("twice"), e.getMessage());

        Map<byte[], byte[]> count = new LinkedHashMap<>();
        count.put("0".getBytes(StandardCharsets.US_ASCII), good);
        count.put(ForeignLmdb.KEYS, PickleWriter.dumps(List.of("0"), 4));
        count.put(ForeignLmdb.LEN, PickleWriter.dumps(2, 4));
        ForeignWriters.lmdb(dir.resolve("count"), count);
        e = assertThrows(CorruptContainerException.class, () -> Containers.open(dir.resolve("count")));
        assertTrue(e.getMessage().contains("__len__"), e.getMessage());
    }

    @Test
    void aTruncatedEnvironmentIsRefusedBeforeLmdbReadsIt() throws IOException {
        List<byte[]> values = raws().stream().map(r -> PickleWriter.dumps(
                PickleWriter.lmdbImage(r.height(), r.width(), 3, r.pixels(), r.label()), 4)).toList();
        Path lmdb = dir.resolve("cut");
        ForeignWriters.pickledLmdb(lmdb, values, 4);
        Path data = lmdb.resolve("data.mdb");
        try (var channel = java.nio.channels.FileChannel.open(data, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(lmdb));
        assertTrue(e.getMessage().contains("data.mdb"), e.getMessage());
    }

    @Test
    void recordsWithImpossibleSizesAreBadRecords() throws IOException {
        Raw r0 = raws().get(0);
        byte[] good = PickleWriter.dumps(PickleWriter.lmdbImage(r0.height(), r0.width(), 3, r0.pixels(), 0), 4);
        // A BINBYTES whose declared length is 2 GiB: refused before anything is allocated.
        byte[] huge = PickleWriter.dumps(PickleWriter.lmdbImage(2, 2, 3, new byte[300], 0), 4);
        int at = Bytes.indexOf(huge, new byte[] {'B', 44, 1, 0, 0});
        huge[at + 1] = (byte) 0xFF;
        huge[at + 2] = (byte) 0xFF;
        huge[at + 3] = (byte) 0xFF;
        huge[at + 4] = (byte) 0x7F;
        byte[] wrongShape = PickleWriter.dumps(PickleWriter.lmdbImage(20, 20, 3, new byte[100], 0), 4);
        byte[] notAnImage = PickleWriter.dumps(Map.of("x", 1), 4);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        List<byte[]> values = List.of(good, huge, wrongShape, notAnImage, truncated);
        ForeignWriters.pickledLmdb(dir.resolve("bad"), values, 4);
        try (Container c = Containers.open(dir.resolve("bad")); RecordReader r = c.newReader()) {
            assertEquals(4, ((ForeignContainer) c).badRecords().size(), ((ForeignContainer) c).badRecords().toString());
            assertEquals(r0.pixels().length, r.read(0).remaining());
            String[] why = {null, "2147483647", "20x20", "dict", "pickle"};
            for (int i = 1; i < values.size(); i++) {
                int index = i;
                CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> r.read(index));
                assertTrue(e.getMessage().contains("record " + i + " (" + i + ")") && e.getMessage().contains(why[i]),
                        e.getMessage());
            }
        }
    }

    /** Where a byte sequence first occurs. */
    static final class Bytes {
        static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            throw new AssertionError("not found");
        }
    }

    // ---- the same datasets written by real Python ----

    private static final String PYTHON_WRITER = """
            import os, pickle, sys
            class LMDB_Image:
                def __init__(self, image, size, channels, label):
                    self.channels = channels
                    self.size = size
                    self.image = image
                    self.label = label
            class Evil:
                def __reduce__(self):
                    return (os.system, ("touch " + sys.argv[2],))
            out = sys.argv[1]
            for line in open(os.path.join(out, "spec.txt")):
                i, h, w, label = map(int, line.split())
                pixels = open(os.path.join(out, "%d.raw" % i), "rb").read()
                for protocol in (2, pickle.DEFAULT_PROTOCOL):
                    obj = LMDB_Image(pixels, (h, w), 3, label)
                    open(os.path.join(out, "%d.p%d" % (i, 2 if protocol == 2 else 0)), "wb").write(pickle.dumps(obj, protocol))
                try:
                    import numpy
                    array = numpy.frombuffer(pixels, numpy.uint8).reshape(h, w, 3)
                    open(os.path.join(out, "%d.np" % i), "wb").write(pickle.dumps((array, label)))
                except ImportError:
                    pass
            keys = [str(i).encode() for i in range(int(sys.argv[3]))]
            open(os.path.join(out, "keys"), "wb").write(pickle.dumps(keys))
            open(os.path.join(out, "len"), "wb").write(pickle.dumps(len(keys)))
            open(os.path.join(out, "evil"), "wb").write(pickle.dumps(Evil()))
            """;

    /** protocol 2, 0 (Python's default) or -1 (numpy (array, label) tuples, default protocol). */
    @ParameterizedTest
    @ValueSource(ints = {2, 0, -1})
    void picklesWrittenByPython(int protocol) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is absent: the Python-written variant is skipped "
                + "(the hand-written pickles above cover the same objects)");
        Path work = Files.createDirectories(dir.resolve("py"));
        StringBuilder spec = new StringBuilder();
        List<Raw> raws = raws();
        for (int i = 0; i < RECORDS; i++) {
            Files.write(work.resolve(i + ".raw"), raws.get(i).pixels());
            spec.append(i).append(' ').append(raws.get(i).height()).append(' ').append(raws.get(i).width()).append(' ')
                    .append(raws.get(i).label()).append('\n');
        }
        Files.writeString(work.resolve("spec.txt"), spec);
        Files.writeString(work.resolve("writer.py"), PYTHON_WRITER);
        Path marker = dir.resolve("python-marker");
        Process p = new ProcessBuilder(PYTHON.toString(), work.resolve("writer.py").toString(), work.toString(),
                marker.toString(), Integer.toString(RECORDS)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, output);
        if (protocol < 0) {
            Assumptions.assumeTrue(Files.exists(work.resolve("0.np")), "python3 has no numpy (Debian: python3-numpy): "
                    + "the numpy variant is skipped (hand-written numpy pickles are tested above)");
        }
        Map<byte[], byte[]> pairs = new LinkedHashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            pairs.put(Integer.toString(i).getBytes(StandardCharsets.US_ASCII),
                    Files.readAllBytes(work.resolve(i + (protocol < 0 ? ".np" : ".p" + protocol))));
        }
        pairs.put(ForeignLmdb.KEYS, Files.readAllBytes(work.resolve("keys")));
        pairs.put(ForeignLmdb.LEN, Files.readAllBytes(work.resolve("len")));
        ForeignWriters.lmdb(dir.resolve("py.lmdb"), pairs);
        try (Container c = Containers.open(dir.resolve("py.lmdb"))) {
            assertTrue(((ForeignContainer) c).evidence().contains(protocol < 0 ? "tuple" : "__main__.LMDB_Image"),
                    ((ForeignContainer) c).evidence());
            assertPixels(c, raws);
        }
        // Python's own pickle of an object whose __reduce__ calls os.system.
        pairs.put("0".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(work.resolve("evil")));
        ForeignWriters.lmdb(dir.resolve("py-evil.lmdb"), pairs);
        try (Container c = Containers.open(dir.resolve("py-evil.lmdb")); RecordReader r = c.newReader()) {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> r.read(0));
            assertTrue(e.getMessage().contains("record 0 (0)") && e.getMessage().contains("posix.system"), e.getMessage());
        }
        assertFalse(Files.exists(marker), "nothing ran");
    }
}
