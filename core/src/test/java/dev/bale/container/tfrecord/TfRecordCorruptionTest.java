package dev.bale.container.tfrecord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.container.tfrecord.proto.BytesList;
import dev.bale.container.tfrecord.proto.Example;
import dev.bale.container.tfrecord.proto.Feature;
import dev.bale.container.tfrecord.proto.Features;
import dev.bale.container.tfrecord.proto.Int64List;
import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged .idx sidecars, foreign files and Examples are refused with a message that says where. */
class TfRecordCorruptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "12", "12 34 56", "12 abc", "0x10 40", "0 3", "100 -40"})
    void aMalformedIdxLineIsRefusedNamingTheLine(String badLine) throws IOException {
        Path path = Fixtures.write(Layout.TFRECORD, dir, Fixtures.images(8, 111));
        Path idx = TfRecordFormatTest.sibling(path, ".idx");
        List<String> lines = new ArrayList<>(Files.readAllLines(idx));
        lines.set(2, badLine);
        Files.write(idx, lines);
        // Bale's manifest would refuse the index by its checksum first: without one, as for a
        // TFRecord written elsewhere, the index's own checks must refuse it.
        Files.delete(TfRecordFormatTest.sibling(path, ".bale.json"));

        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path));
        assertTrue(e.getMessage().contains(idx + " line 3"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 6})
    void idxEntriesThatMissTheFramingAreRefusedNamingLineAndRecord(int victim) throws IOException {
        Path path = Fixtures.write(Layout.TFRECORD, dir, Fixtures.images(8, 112));
        Path idx = TfRecordFormatTest.sibling(path, ".idx");
        List<String> lines = new ArrayList<>(Files.readAllLines(idx));
        // Record 2 starts 4 bytes late; record 5 claims 4 bytes more than it has; record 6 lies
        // before the start of the file.
        switch (victim) {
            case 2 -> lines.set(2, shift(lines.get(2), 4, 0));
            case 5 -> lines.set(5, shift(lines.get(5), 0, 4));
            default -> lines.set(6, "-8 " + lines.get(6).split(" ")[1]);
        }
        Files.write(idx, lines);
        Files.delete(TfRecordFormatTest.sibling(path, ".bale.json"));

        assertTimeoutPreemptively(LIMIT, () -> {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path));
            int line = victim == 5 ? 7 : victim + 1;
            int record = victim == 5 ? 6 : victim;
            assertTrue(e.getMessage().contains(idx + " line " + line) && e.getMessage().contains("record " + record),
                    e.getMessage());
        });
    }

    @Test
    void anIdxWithFewerRecordsThanTheManifestIsRefused() throws IOException {
        Path path = Fixtures.write(Layout.TFRECORD, dir, Fixtures.images(8, 113));
        Path idx = TfRecordFormatTest.sibling(path, ".idx");
        List<String> lines = Files.readAllLines(idx);
        Files.write(idx, lines.subList(0, 7));
        Damage.assertNames(assertThrows(CorruptContainerException.class, () -> Containers.open(path)), path);
    }

    @Test
    void aTruncatedForeignTfRecordIsRefusedAtOpen() throws IOException {
        Path path = dir.resolve("foreign.tfrecord");
        TfRecordFormatTest.writeForeign(path, Fixtures.images(10, 114), true);
        Damage.truncate(path, 0.6);
        assertTimeoutPreemptively(LIMIT, () -> {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path));
            Damage.assertNames(e, path);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        });
    }

    @Test
    void aFileThatIsNotATfRecordIsRefused() throws IOException {
        Path path = dir.resolve("photo.jpg");
        Files.write(path, Fixtures.images(1, 115).get(0).bytes());
        Damage.assertNames(assertThrows(CorruptContainerException.class, () -> Containers.open(path)), path);
    }

    /**
     * A record whose framing and CRCs are right but whose Example is not valid protobuf (a buggy
     * writer): reading it must fail as a damaged record, not with an unchecked exception from deep
     * inside the parser.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            // Example.features (3 bytes) holds a map entry that claims 100 bytes.
            "0a 03 0a 64 00",
            // A map entry whose value claims 80 bytes it does not have.
            "0a 0d 0a 0b 0a 09 69 6d 61 67 65 5f 72 61 77 12 50",
            // A map entry whose length is a negative varint (-1).
            "0a 0c 0a ff ff ff ff 0f 00 00 00 00 00 00",
            // A map entry whose length is 2^31 - 1: start + length overflows an int.
            "0a 0c 0a ff ff ff ff 07 00 00 00 00 00 00",
            // A bytes value that claims 2^31 - 1 bytes.
            "0a 17 0a 15 0a 09 69 6d 61 67 65 5f 72 61 77 12 08 0a 06 0a ff ff ff ff 07",
            // Not protobuf at all.
            "ff ff ff ff ff ff ff ff ff ff ff",
    })
    void aCrcValidRecordHoldingAMalformedExampleFailsThatRecord(String hex) throws IOException {
        List<Image> images = Fixtures.images(3, 116);
        List<byte[]> payloads = new ArrayList<>();
        for (Image image : images) {
            payloads.add(Example.newBuilder().setFeatures(Features.newBuilder()
                    .putFeature("image_raw", Feature.newBuilder().setBytesList(
                            BytesList.newBuilder().addValue(ByteString.copyFrom(image.bytes()))).build())
                    .putFeature("label", Feature.newBuilder().setInt64List(
                            Int64List.newBuilder().addValue(image.classId())).build())
                    .putFeature("path", Feature.newBuilder().setBytesList(
                            BytesList.newBuilder().addValue(ByteString.copyFromUtf8(image.key()))).build()))
                    .build().toByteArray());
        }
        payloads.set(1, hexBytes(hex));
        Path path = dir.resolve("bad-example.tfrecord");
        Files.write(path, TfRecordFormatTest.framed(payloads));
        Path idx = TfRecordFormatTest.sibling(path, ".idx");
        // With an index and a manifest beside it, open reads only the first record.
        StringBuilder lines = new StringBuilder();
        long offset = 0;
        for (byte[] payload : payloads) {
            lines.append(offset).append(' ').append(payload.length + 16).append('\n');
            offset += payload.length + 16;
        }
        Files.writeString(idx, lines, StandardCharsets.UTF_8);
        Files.writeString(TfRecordFormatTest.sibling(path, ".bale.json"),
                dev.bale.container.Manifest.of(Layout.TFRECORD, 3, Fixtures.CLASSES, 0).toJson());

        assertTimeoutPreemptively(LIMIT, () -> {
            // The hand-made manifest has no checksums: accepted as from an older Bale.
            try (Container container = Containers.open(path, true); RecordReader reader = container.newReader()) {
                Damage.assertNamesRecord(assertThrows(CorruptContainerException.class, () -> reader.read(1)), 1);
                Damage.assertNamesRecord(assertThrows(CorruptContainerException.class, container::classIds), 1);
                assertArrayEquals(images.get(0).bytes(), Fixtures.bytes(reader.read(0)));
                assertArrayEquals(images.get(2).bytes(), Fixtures.bytes(reader.read(2)));
            }
        });
    }

    private static String shift(String line, long offsetBy, long sizeBy) {
        String[] parts = line.split(" ");
        return (Long.parseLong(parts[0]) + offsetBy) + " " + (Long.parseLong(parts[1]) + sizeBy);
    }

    private static byte[] hexBytes(String hex) {
        String[] parts = hex.trim().split("\\s+");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }
}
