package dev.bale.container.tfrecord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import dev.bale.container.tfrecord.proto.BytesList;
import dev.bale.container.tfrecord.proto.Example;
import dev.bale.container.tfrecord.proto.Feature;
import dev.bale.container.tfrecord.proto.Features;
import dev.bale.container.tfrecord.proto.Int64List;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFRecord as other tools see it: framing and CRCs checked by code written here from the format's
 * description (not Bale's), Examples parsed by protobuf, and TFRecords Bale did not write.
 */
class TfRecordFormatTest {

    @TempDir
    Path dir;

    // ---- CRCs -------------------------------------------------------------------------------

    @Test
    void crc32cKnownAnswer() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        CRC32C jdk = new CRC32C();
        jdk.update(check);
        assertEquals(0xE3069283L, jdk.getValue());
        assertEquals(0xE3069283, Crc32c.of(check, 0, check.length));
        assertEquals(0, Crc32c.of(new byte[0], 0, 0));
    }

    @Test
    void maskedCrcIsTensorFlows() {
        // crc           = 0xE3069283 = 1110 0011 0000 0110 1001 0010 1000 0011
        // crc >>> 15    = 0x0001C60D   (its top 17 bits)
        // crc << 17     = 0x25060000   (its low 15 bits, 0x1283, moved to the top)
        // rotated       = 0x2507C60D
        // + 0xA282EAD8  = 0xC78AB0E5   (mod 2^32)
        assertEquals(0xC78AB0E5, Framing.maskedCrc(ByteBuffer.wrap("123456789".getBytes(StandardCharsets.US_ASCII))));

        Random random = new Random(41);
        for (int n = 0; n < 200; n++) {
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            ByteBuffer buffer = ByteBuffer.wrap(data);
            assertEquals(tensorFlowMask(Crc32c.of(data, 0, data.length)), Framing.maskedCrc(buffer));
            assertEquals(0, buffer.position(), "maskedCrc moved the position");
        }
    }

    // ---- Bale's TFRecords, read by an independent reader ----------------------------------------

    @Test
    void baleTfRecordParsesWithAnIndependentReader() throws IOException {
        List<Image> images = Fixtures.images(25, 51);
        Path path = Fixtures.write(Layout.TFRECORD, dir, images);

        List<long[]> framing = new ArrayList<>();
        List<byte[]> payloads = IndependentReader.readAll(path, framing);
        assertEquals(images.size(), payloads.size());

        for (int i = 0; i < images.size(); i++) {
            Image image = images.get(i);
            Map<String, Feature> features = Example.parseFrom(payloads.get(i)).getFeatures().getFeatureMap();
            assertEquals(Set.of("height", "width", "depth", "label", "image_raw", "path"), features.keySet(), "record " + i);
            assertEquals(List.of((long) image.height()), features.get("height").getInt64List().getValueList(), "height of " + i);
            assertEquals(List.of((long) image.width()), features.get("width").getInt64List().getValueList(), "width of " + i);
            assertEquals(List.of((long) image.channels()), features.get("depth").getInt64List().getValueList(), "depth of " + i);
            assertEquals(List.of((long) image.classId()), features.get("label").getInt64List().getValueList(), "label of " + i);
            assertEquals(1, features.get("image_raw").getBytesList().getValueCount());
            assertArrayEquals(image.bytes(), features.get("image_raw").getBytesList().getValue(0).toByteArray(), "image of " + i);
            assertEquals(image.key(), features.get("path").getBytesList().getValue(0).toStringUtf8());
        }

        // The DALI-style index: one "offset size" line per record, matching the framing.
        List<String> lines = Files.readAllLines(sibling(path, ".idx"), StandardCharsets.UTF_8);
        assertEquals(images.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(framing.get(i)[0] + " " + framing.get(i)[1], lines.get(i), ".idx line " + (i + 1));
        }
        assertTrue(Files.readString(sibling(path, ".idx")).endsWith("\n"));

        // The manifest beside it.
        Manifest manifest = Manifest.fromJson(Files.readString(sibling(path, ".bale.json")), "test");
        assertEquals(images.size(), manifest.count());
        assertEquals(Fixtures.CLASSES, manifest.classes());
    }

    // ---- TFRecords written elsewhere ------------------------------------------------------------

    @Test
    void aForeignTfRecordOpensWithoutSidecars() throws IOException {
        List<Image> images = Fixtures.images(18, 52);
        Path path = dir.resolve("train-00000-of-00001");
        writeForeign(path, images, true);

        assertEquals(Layout.TFRECORD, Containers.sniff(path));
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            assertEquals(Layout.TFRECORD, container.layout());
            assertEquals(images.size(), container.size());
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
            int classes = images.stream().mapToInt(Image::classId).max().orElseThrow() + 1;
            List<String> names = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                names.add(Integer.toString(c));
            }
            assertEquals(names, container.manifest().classes());
            assertEquals(images.size(), container.manifest().count());
            assertEquals(Fixtures.totalBytes(images), container.manifest().sourceBytes());
            for (int i = images.size() - 1; i >= 0; i--) {
                assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "record " + i);
                assertEquals(images.get(i).key(), reader.key(i));
            }

            FeatureSchema schema = ((TfRecordContainer) container).schema();
            assertEquals(images.size(), schema.records());
            Map<String, FeatureSchema.Stats> features = schema.features();
            assertEquals(Set.of("image/encoded", "image/class/label", "image/filename", "image/format",
                    "image/height", "image/width"), features.keySet());
            assertStats(features.get("image/encoded"), "bytes", images.size(), Fixtures.totalBytes(images));
            assertStats(features.get("image/class/label"), "int64", images.size(), 0);
            assertStats(features.get("image/height"), "int64", images.size(), 0);
            assertStats(features.get("image/width"), "int64", images.size(), 0);
            assertStats(features.get("image/format"), "bytes", images.size(),
                    images.stream().mapToLong(image -> formatName(image).length()).sum());
            assertStats(features.get("image/filename"), "bytes", images.size(),
                    images.stream().mapToLong(image -> image.key().getBytes(StandardCharsets.UTF_8).length).sum());
        }
        // A reader leaves someone else's file alone: no sidecars appear beside it.
        assertFalse(Files.exists(sibling(path, ".idx")));
        assertFalse(Files.exists(sibling(path, ".bale.json")));
    }

    @Test
    void aForeignTfRecordWithoutFilenamesNumbersItsKeys() throws IOException {
        List<Image> images = Fixtures.images(4, 53);
        Path path = dir.resolve("plain.tfrecord");
        writeForeign(path, images, false);
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "record " + i);
                assertEquals("#" + i, reader.key(i));
            }
        }
    }

    private static void assertStats(FeatureSchema.Stats stats, String kind, int records, long bytes) {
        assertEquals(kind, stats.kind());
        assertEquals(records, stats.records());
        assertEquals(1, stats.minValues());
        assertEquals(1, stats.maxValues());
        assertEquals(bytes, stats.bytes());
    }

    private static String formatName(Image image) {
        return image.format().equals("jpg") ? "jpeg" : "png";
    }

    /** Writes Examples the way TensorFlow's image examples do, with framing written here. */
    static void writeForeign(Path path, List<Image> images, boolean filenames) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            for (Image image : images) {
                Features.Builder features = Features.newBuilder()
                        .putFeature("image/encoded", bytesFeature(ByteString.copyFrom(image.bytes())))
                        .putFeature("image/class/label", int64Feature(image.classId()));
                if (filenames) {
                    features.putFeature("image/filename", bytesFeature(ByteString.copyFromUtf8(image.key())))
                            .putFeature("image/format", bytesFeature(ByteString.copyFromUtf8(formatName(image))))
                            .putFeature("image/height", int64Feature(image.height()))
                            .putFeature("image/width", int64Feature(image.width()));
                }
                writeFramed(out, Example.newBuilder().setFeatures(features).build().toByteArray());
            }
        }
    }

    /** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
    static void writeFramed(OutputStream out, byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(0, data.length);
        header.putInt(8, tensorFlowMask(Crc32c.of(header.array(), 0, 8)));
        out.write(header.array());
        out.write(data);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0, tensorFlowMask(Crc32c.of(data, 0, data.length))).array());
    }

    private static Feature bytesFeature(ByteString value) {
        return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(value)).build();
    }

    private static Feature int64Feature(long value) {
        return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(value)).build();
    }

    static int tensorFlowMask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    static Path sibling(Path path, String suffix) {
        return path.resolveSibling(path.getFileName() + suffix);
    }

    /** CRC-32C (Castagnoli), bit by bit from the reflected polynomial: independent of java.util.zip. */
    static final class Crc32c {
        private Crc32c() {
        }

        static int of(byte[] data, int offset, int length) {
            int crc = 0xFFFFFFFF;
            for (int i = offset; i < offset + length; i++) {
                crc ^= data[i] & 0xFF;
                for (int bit = 0; bit < 8; bit++) {
                    crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
                }
            }
            return ~crc;
        }
    }

    /** Walks a TFRecord file with a DataInputStream, checking both CRCs of every record. */
    static final class IndependentReader {
        private IndependentReader() {
        }

        /** Every record's data; {@code framing} receives {offset, size with framing} per record. */
        static List<byte[]> readAll(Path path, List<long[]> framing) throws IOException {
            List<byte[]> records = new ArrayList<>();
            long offset = 0;
            try (InputStream file = Files.newInputStream(path); DataInputStream in = new DataInputStream(file)) {
                byte[] header = new byte[12];
                while (true) {
                    int first = in.read();
                    if (first < 0) {
                        break;
                    }
                    header[0] = (byte) first;
                    in.readFully(header, 1, 11);
                    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                    long length = h.getLong(0);
                    if (h.getInt(8) != tensorFlowMask(Crc32c.of(header, 0, 8))) {
                        throw new IOException("record " + records.size() + ": bad length CRC");
                    }
                    if (length < 0 || length > Integer.MAX_VALUE) {
                        throw new IOException("record " + records.size() + ": length " + length);
                    }
                    byte[] data = new byte[(int) length];
                    byte[] footer = new byte[4];
                    try {
                        in.readFully(data);
                        in.readFully(footer);
                    } catch (EOFException e) {
                        throw new IOException("record " + records.size() + ": truncated", e);
                    }
                    if (ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt(0)
                            != tensorFlowMask(Crc32c.of(data, 0, data.length))) {
                        throw new IOException("record " + records.size() + ": bad data CRC");
                    }
                    records.add(data);
                    long size = 12 + length + 4;
                    framing.add(new long[] {offset, size});
                    offset += size;
                }
            }
            return records;
        }
    }

    /** Frames and writes arbitrary payloads (used by the corruption tests). */
    static byte[] framed(List<byte[]> payloads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] payload : payloads) {
            writeFramed(out, payload);
        }
        return out.toByteArray();
    }
}
