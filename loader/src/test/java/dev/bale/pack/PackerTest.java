package dev.bale.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.synthetic.SyntheticDataset;
import dev.bale.source.Source;
import dev.bale.testing.Datasets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PackerTest {
    @TempDir
    Path dir;

    private Source photos(int n) throws IOException {
        Datasets.photos(dir.resolve("src"), n);
        return Source.folder(dir.resolve("src"));
    }

    /** Everything in the output folder but the source: what a failed pack must not leave. */
    private List<String> outputs() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("src") && !n.endsWith(".txt")).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void packsEveryFileByteExactInOrder(Layout layout) throws IOException {
        Source source = photos(30);
        Path out = dir.resolve("out." + layout.id());
        PackResult result = Packer.pack(new SourceInput(source), out, PackOptions.of(layout).withThreads(3), PackListener.NONE);
        assertEquals(30, result.records());
        long total = 0;
        try (Container container = Containers.open(out); RecordReader reader = container.newReader()) {
            assertEquals(layout, container.layout());
            assertEquals(source.classes(), container.manifest().classes());
            for (int i = 0; i < source.size(); i++) {
                byte[] expected = Files.readAllBytes(source.entries().get(i).file());
                total += expected.length;
                assertEquals(ByteBuffer.wrap(expected), reader.read(i), "record " + i);
                assertEquals(source.entries().get(i).key(), reader.key(i));
                assertEquals(source.classId(i), container.classIds()[i]);
            }
        }
        assertEquals(total, result.inputBytes());
        assertTrue(result.bytesOnDisk() >= total, "container smaller than its data");
        assertEquals(List.of(out.getFileName().toString()), outputs().stream().filter(n -> !n.contains(".tfrecord.")).toList());
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void storageStaysWithinFivePercentOfPhotoSizedJpegs(Layout layout) throws IOException {
        SyntheticDataset.write(SyntheticDataset.Spec.photos(40, 500, 375), dir.resolve("src"), 2, done -> { });
        Source source = Source.folder(dir.resolve("src"));
        PackResult result = Packer.pack(new SourceInput(source), dir.resolve("out." + layout.id()),
                PackOptions.of(layout), PackListener.NONE);
        assertTrue(result.inputBytes() / 40 > 80_000, "images are photo-sized: " + result.inputBytes() / 40);
        assertTrue(result.sizeRatio() <= 1.05, layout + " size ratio " + result.sizeRatio());
    }

    @Test
    void listFileWithTextLabelsPacks() throws IOException {
        Datasets.photos(dir.resolve("src"), 4);
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "class_00/img_000000.jpg\ta cat\nclass_01/img_000001.jpg\tthe dog\tbarks\n"
                + "class_02/img_000002.jpg\ta cat\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("out.sqlite");
        Packer.pack(new SourceInput(Source.list(list, dir.resolve("src"))), out, PackOptions.of(Layout.SQLITE), PackListener.NONE);
        try (Container container = Containers.open(out)) {
            assertEquals(List.of("a cat", "the dog\tbarks"), container.manifest().classes());
            assertArrayEquals(new int[] {0, 1, 0}, container.classIds());
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void missingFileFailsNamingLineAndPathAndLeavesNothing(Layout layout) throws IOException {
        Datasets.photos(dir.resolve("src"), 3);
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "class_00/img_000000.jpg\t0\n\nclass_01/missing.jpg\t1\nclass_02/img_000002.jpg\t2\n");
        Path out = dir.resolve("out." + layout.id());
        BadRecordException e = assertThrows(BadRecordException.class, () -> Packer.pack(
                new SourceInput(Source.list(list, dir.resolve("src"))), out, PackOptions.of(layout), PackListener.NONE));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("missing.jpg")
                && e.getMessage().contains("not found"), e.getMessage());
        assertEquals(List.of(), outputs());
    }

    @Test
    void emptyFileIsBad() throws IOException {
        Source source = photos(3);
        Files.write(source.entries().get(1).file(), new byte[0]);
        BadRecordException e = assertThrows(BadRecordException.class, () -> Packer.pack(new SourceInput(source),
                dir.resolve("out.bin"), PackOptions.of(Layout.BIN), PackListener.NONE));
        assertTrue(e.getMessage().contains("empty file") && e.getMessage().contains(source.entries().get(1).key()), e.getMessage());
    }

    @Test
    void notAnImageIsBadOnlyWithCheck() throws IOException {
        Source source = photos(3);
        Files.writeString(source.entries().get(2).file(), "this is not a jpeg");
        Path out = dir.resolve("out.bin");
        BadRecordException e = assertThrows(BadRecordException.class, () -> Packer.pack(new SourceInput(source), out,
                PackOptions.of(Layout.BIN).withCheck(true), PackListener.NONE));
        assertTrue(e.getMessage().contains("not a decodable image"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(3, Packer.pack(new SourceInput(source), out, PackOptions.of(Layout.BIN), PackListener.NONE).records());
    }

    @Test
    void skipPolicyWritesTheRestAndAReport() throws IOException {
        Source source = photos(6);
        Files.delete(source.entries().get(1).file());
        Files.writeString(source.entries().get(4).file(), "garbage");
        Path out = dir.resolve("out.lmdb");
        PackResult result = Packer.pack(new SourceInput(source), out,
                PackOptions.of(Layout.LMDB).withCheck(true).withOnBad(PackOptions.OnBad.SKIP), PackListener.NONE);
        assertEquals(4, result.records());
        assertEquals(List.of(1, 4), result.skipped().stream().map(BadRecordException::index).toList());
        String report = Files.readString(result.report());
        assertTrue(report.contains(source.entries().get(1).key()) && report.contains("file not found"), report);
        assertTrue(report.contains(source.entries().get(4).key()) && report.contains("not a decodable image"), report);
        try (Container container = Containers.open(out); RecordReader reader = container.newReader()) {
            assertEquals(4, container.size());
            assertEquals(source.entries().get(2).key(), reader.key(1));
            assertEquals(ByteBuffer.wrap(Files.readAllBytes(source.entries().get(5).file())), reader.read(3));
        }
        // A clean repack of the same output leaves no stale report behind.
        Files.write(source.entries().get(1).file(), Files.readAllBytes(source.entries().get(0).file()));
        Files.write(source.entries().get(4).file(), Files.readAllBytes(source.entries().get(0).file()));
        PackResult clean = Packer.pack(new SourceInput(source), out,
                PackOptions.of(Layout.LMDB).withCheck(true).withOnBad(PackOptions.OnBad.SKIP).withForce(true), PackListener.NONE);
        assertEquals(null, clean.report());
        assertFalse(Files.exists(result.report()));
    }

    @Test
    void existingOutputIsRefusedUnlessForced() throws IOException {
        Source source = photos(4);
        Path out = dir.resolve("out.tfrecord");
        Packer.pack(new SourceInput(source), out, PackOptions.of(Layout.TFRECORD), PackListener.NONE);
        byte[] before = Files.readAllBytes(out);
        assertThrows(FileAlreadyExistsException.class, () -> Packer.pack(new SourceInput(source), out,
                PackOptions.of(Layout.TFRECORD), PackListener.NONE));
        assertArrayEquals(before, Files.readAllBytes(out));
        Files.delete(source.entries().get(3).file());
        PackResult result = Packer.pack(new SourceInput(source), out,
                PackOptions.of(Layout.TFRECORD).withForce(true).withOnBad(PackOptions.OnBad.SKIP), PackListener.NONE);
        assertEquals(3, result.records());
        try (Container container = Containers.open(out)) {
            assertEquals(3, container.size());
        }
        assertEquals(List.of("out.tfrecord", "out.tfrecord.bale.json", "out.tfrecord.idx"), outputs());
    }

    @Test
    void forcedPackThatFailsKeepsTheOldContainer() throws IOException {
        Source source = photos(4);
        Path out = dir.resolve("out.bin");
        Packer.pack(new SourceInput(source), out, PackOptions.of(Layout.BIN), PackListener.NONE);
        Files.delete(source.entries().get(2).file());
        assertThrows(BadRecordException.class, () -> Packer.pack(new SourceInput(source), out,
                PackOptions.of(Layout.BIN).withForce(true), PackListener.NONE));
        try (Container container = Containers.open(out)) {
            assertEquals(4, container.size());
        }
        assertEquals(List.of("out.bin"), outputs());
    }

    @Test
    void outputFolderMustExistAndBeAFolder() throws IOException {
        Source source = photos(2);
        IOException missing = assertThrows(IOException.class, () -> Packer.pack(new SourceInput(source),
                dir.resolve("no/such/folder/out.bin"), PackOptions.of(Layout.BIN), PackListener.NONE));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThrows(IOException.class, () -> Packer.pack(new SourceInput(source), file.resolve("out.bin"),
                PackOptions.of(Layout.BIN), PackListener.NONE));
    }

    @Test
    void failureInTheMiddleLeavesNoPartialFiles() throws IOException {
        Source source = photos(40);
        PackInput failing = new PackInput() {
            final SourceInput inner = new SourceInput(source);

            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public List<String> classes() {
                return inner.classes();
            }

            @Override
            public String key(int index) {
                return inner.key(index);
            }

            @Override
            public int classId(int index) {
                return inner.classId(index);
            }

            @Override
            public String describe(int index) {
                return inner.describe(index);
            }

            @Override
            public long sizeHint() {
                return 0;
            }

            @Override
            public ByteBuffer load(int index) throws IOException {
                if (index == 25) {
                    throw new IOException("device went away");
                }
                return inner.load(index);
            }
        };
        for (Layout layout : Layout.values()) {
            IOException e = assertThrows(IOException.class, () -> Packer.pack(failing, dir.resolve("out." + layout.id()),
                    PackOptions.of(layout), PackListener.NONE));
            assertEquals("device went away", e.getMessage());
        }
        assertEquals(List.of(), outputs());
    }
}
