package dev.bale.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import dev.bale.testing.Legacy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every metadata byte a reader trusts is covered by a checksum recorded at pack time: damage to a
 * manifest, an index, the keys or the class ids is refused with the file and the problem in words,
 * never served as a wrong label or a wrong record.
 */
class MetadataIntegrityTest {
    @TempDir
    Path dir;

    private final List<Image> images = Fixtures.images(12, 131);

    @ParameterizedTest
    @EnumSource(Layout.class)
    void freshContainersAreChecksummedAndPassVerify(Layout layout) throws IOException {
        Path path = Fixtures.write(layout, dir, images);
        try (Container container = Containers.open(path)) {
            assertTrue(container.metadataChecksummed());
            assertEquals(List.of(), container.verifyMetadata());
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"BIN", "TFRECORD"})
    void zerosInTheClassListOfAManifestAreRefused(Layout layout) throws IOException {
        Path path = Fixtures.write(layout, dir, images);
        Path manifest = manifestFile(layout, path);
        byte[] json = Files.readAllBytes(manifest);
        int at = Fixtures.indexOf(json, "dog house".getBytes(StandardCharsets.UTF_8), 0);
        // The JSON still parses and the list keeps its length: only a checksum can tell.
        for (int i = 0; i < 3; i++) {
            json[at + i] = 0;
        }
        Files.write(manifest, json);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertTrue(e.getMessage().startsWith(manifest + ": checksum mismatch"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"BIN", "TFRECORD"})
    void aManifestThatIsNotUtf8IsRefusedNamingTheByte(Layout layout) throws IOException {
        Path path = Fixtures.write(layout, dir, images);
        Path manifest = manifestFile(layout, path);
        byte[] json = Files.readAllBytes(manifest);
        json[47] = (byte) 0xC3;
        json[48] = (byte) 0x28;
        Files.write(manifest, json);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertEquals(manifest + ": not UTF-8 at byte 47", e.getMessage());
    }

    @Test
    void aManifestThatIsNotJsonSaysWhere() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Path manifest = path.resolve("manifest.json");
        Files.writeString(manifest, "{\n  \"format\": \"bale\",\n  \"version\": 1,,\n}");
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(manifest.toString())
                + ": not valid JSON at line \\d+ column \\d+"), e.getMessage());
    }

    @Test
    void aFlippedBitInAClassIdOfIndexBinIsRefused() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Path index = path.resolve("index.bin");
        flip(index, 16 + 5 * 20 + 16, 0x01); // record 5's class id, lowest bit
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertTrue(e.getMessage().startsWith(index + ": checksum mismatch"), e.getMessage());
    }

    @Test
    void aDamagedIndexTsvIsFoundByVerify() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Path tsv = path.resolve("index.tsv");
        byte[] text = Files.readAllBytes(tsv);
        Files.write(tsv, java.util.Arrays.copyOf(text, text.length - 9));
        try (Container container = Containers.open(path)) {
            List<String> problems = container.verifyMetadata();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith(tsv + ": is "), problems.get(0));
        }
    }

    @Test
    void indexTsvIsCheckedLineByLineAgainstIndexBin() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Legacy.strip(Layout.BIN, path);
        Path tsv = path.resolve("index.tsv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(tsv));
        lines.set(3, lines.get(3).replaceFirst("^\\d+", "7\u0001"));
        Files.write(tsv, lines);
        try (Container container = Containers.open(path, true)) {
            List<String> problems = container.verifyMetadata();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith(tsv + " line 4: '7\\x01\\x09"), problems.get(0));
        }
    }

    @Test
    void missingKeysSayMissing() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Files.delete(path.resolve("keys.txt"));
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> reader.key(0));
            assertEquals(path.resolve("keys.txt") + ": missing", e.getMessage());
        }
    }

    @Test
    void damagedKeysAreRefused() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        flip(path.resolve("keys.txt"), 3, 0x20);
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> reader.key(0));
            assertTrue(e.getMessage().startsWith(path.resolve("keys.txt") + ": checksum mismatch"), e.getMessage());
        }
    }

    @Test
    void aDamagedIdxIsRefusedByItsChecksum() throws IOException {
        Path path = Fixtures.write(Layout.TFRECORD, dir, images);
        Path idx = path.resolveSibling(path.getFileName() + ".idx");
        byte[] text = Files.readAllBytes(idx);
        text[text.length - 3] = (byte) 0xFF;
        Files.write(idx, text);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertTrue(e.getMessage().startsWith(idx + ": checksum mismatch"), e.getMessage());
        // Without the manifest (a TFRecord from elsewhere) the index is still refused, in words.
        Files.delete(path.resolveSibling(path.getFileName() + ".bale.json"));
        e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertEquals(idx + ": not UTF-8 at byte " + (text.length - 3), e.getMessage());
    }

    @Test
    void aChangedClassIdInSqliteIsRefused() throws Exception {
        Path path = Fixtures.write(Layout.SQLITE, dir, images);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE bale_records SET class_id = class_id + 1 WHERE id = 4");
        }
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertTrue(e.getMessage().contains("table bale_records: checksum mismatch"), e.getMessage());
    }

    @Test
    void aChangedLabelOrPathInSqliteIsFoundByVerify() throws Exception {
        Path path = Fixtures.write(Layout.SQLITE, dir, images);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE images SET img_label = 'cat' WHERE rowid = 3");
        }
        try (Container container = Containers.open(path)) {
            List<String> problems = container.verifyMetadata();
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("images row 3: img_label"), problems.get(0));
            assertTrue(problems.get(1).contains("table images (img_path, img_label): "), problems.get(1));
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void anUnchecksummedContainerIsRefusedUnlessAccepted(Layout layout) throws IOException {
        Path path = Fixtures.write(layout, dir, images);
        Legacy.strip(layout, path);
        UnchecksummedContainerException e = assertThrows(UnchecksummedContainerException.class,
                () -> Containers.open(path).close());
        assertTrue(e.getMessage().contains("metadata unchecksummed"), e.getMessage());
        try (Container container = Containers.open(path, true); RecordReader reader = container.newReader()) {
            assertFalse(container.metadataChecksummed());
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
            assertArrayEquals(images.get(3).bytes(), Fixtures.bytes(reader.read(3)));
        }
    }

    @Test
    void classIdsOutsideTheClassListAreRefusedEvenWithoutChecksums() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Legacy.strip(Layout.BIN, path);
        Path index = path.resolve("index.bin");
        try (RandomAccessFile raf = new RandomAccessFile(index.toFile(), "rw")) {
            raf.seek(16 + 7 * 20 + 16);
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(5).array());
        }
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path, true).close());
        assertTrue(e.getMessage().contains("record 7: class id 5 is not in the class list (0..4)"), e.getMessage());
    }

    @Test
    void escapesWhatCannotBePrinted() {
        assertEquals("a\\x00b\\x1Bc\\u200Bd\\\\e 猫 🐈", MetaFiles.escape("a\u0000b\u001Bc\u200Bd\\e 猫 🐈"));
    }

    private static Path manifestFile(Layout layout, Path path) {
        return layout == Layout.BIN ? path.resolve("manifest.json") : path.resolveSibling(path.getFileName() + ".bale.json");
    }

    private static void flip(Path file, long at, int mask) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ mask);
        }
    }
}
