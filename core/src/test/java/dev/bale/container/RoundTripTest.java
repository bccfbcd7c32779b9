package dev.bale.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What goes in through a writer comes out of a reader, byte for byte, in every layout. */
class RoundTripTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyRecordComesBackByteExactWithItsKeyAndClass(Layout layout) throws IOException {
        List<Image> images = Fixtures.images(30, 11);
        Path path = Fixtures.write(layout, dir, images);

        assertEquals(layout, Containers.sniff(path));
        try (Container container = Containers.open(path)) {
            assertEquals(layout, container.layout());
            assertEquals(path, container.path());
            assertEquals(images.size(), container.size());
            assertManifest(container.manifest(), layout, images, Fixtures.CLASSES);
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
            assertTrue(container.bytesOnDisk() >= Fixtures.totalBytes(images),
                    container.bytesOnDisk() + " bytes on disk for " + Fixtures.totalBytes(images) + " bytes of images");

            try (RecordReader reader = container.newReader()) {
                for (int i = 0; i < images.size(); i++) {
                    Image image = images.get(i);
                    ByteBuffer bytes = reader.read(i);
                    assertEquals(0, bytes.position(), "record " + i);
                    assertEquals(image.length(), bytes.limit(), "record " + i);
                    assertEquals(ByteBuffer.wrap(image.bytes()), bytes, "bytes of record " + i);
                    assertEquals(image.key(), reader.key(i));
                }
                // Backwards, so that no layout gets away with reading sequentially only.
                for (int i = images.size() - 1; i >= 0; i--) {
                    assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "record " + i);
                }
                assertThrows(IndexOutOfBoundsException.class, () -> reader.read(-1));
                assertThrows(IndexOutOfBoundsException.class, () -> reader.read(images.size()));
                assertThrows(IndexOutOfBoundsException.class, () -> reader.key(images.size()));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void anEmptyContainerRoundTrips(Layout layout) throws IOException {
        Path path = Fixtures.write(layout, dir, List.of());

        assertEquals(layout, Containers.sniff(path));
        try (Container container = Containers.open(path)) {
            assertEquals(0, container.size());
            assertManifest(container.manifest(), layout, List.of(), Fixtures.CLASSES);
            assertEquals(0, container.classIds().length);
            try (RecordReader reader = container.newReader()) {
                assertThrows(IndexOutOfBoundsException.class, () -> reader.read(0));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aContainerOpensWherePathsHaveSpacesAndUriCharacters(Layout layout) throws IOException {
        // Users keep datasets in folders like these; SQLite URIs and JNI paths must not trip on them.
        Path folder = Files.createDirectories(dir.resolve("my data #1 (50% off) ?v=2 & ü"));
        List<Image> images = Fixtures.images(6, 12);
        Path path = Fixtures.write(layout, folder.resolve("set " + layout.id()), Fixtures.CLASSES, images);

        assertEquals(layout, Containers.sniff(path));
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            assertEquals(images.size(), container.size());
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
            for (int i = 0; i < images.size(); i++) {
                assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "record " + i);
                assertEquals(images.get(i).key(), reader.key(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void classNamesSurviveExactly(Layout layout) throws IOException {
        List<String> classes = List.of("", "  leading and trailing  ", "multi\nline\r\nlabel", "\"quoted\", {json}",
                "日本語のラベル", "emoji 🐕‍🦺");
        List<Image> images = Fixtures.images(6, 13).stream()
                .map(image -> new Image(image.key(), (image.classId() + 1) % classes.size(), image.bytes(),
                        image.width(), image.height(), image.channels(), image.format()))
                .toList();
        Path path = Fixtures.write(layout, Fixtures.containerPath(layout, dir), classes, images);
        try (Container container = Containers.open(path)) {
            assertManifest(container.manifest(), layout, images, classes);
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
        }
    }

    static void assertManifest(Manifest manifest, Layout layout, List<Image> images, List<String> classes) {
        assertEquals(Manifest.FORMAT, manifest.format());
        assertEquals(Manifest.VERSION, manifest.version());
        assertEquals(layout.id(), manifest.layout());
        assertEquals(images.size(), manifest.count());
        assertEquals(classes, manifest.classes());
        assertEquals(Fixtures.totalBytes(images), manifest.sourceBytes());
    }
}
