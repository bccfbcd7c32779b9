package dev.bale.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What {@link RecordReader#read} promises about the buffers it hands out. */
class BufferContractTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void buffersAreReadOnly(Layout layout) throws Exception {
        List<Image> images = Fixtures.images(10, 31);
        Path path = Fixtures.write(layout, dir, images);
        try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
            for (int i = 0; i < images.size(); i++) {
                ByteBuffer bytes = reader.read(i);
                assertTrue(bytes.isReadOnly(), "record " + i + " is writable");
                assertThrows(ReadOnlyBufferException.class, () -> bytes.put(0, (byte) 1));
                assertThrows(ReadOnlyBufferException.class, () -> bytes.duplicate().put((byte) 1));
                assertEquals(ByteBuffer.wrap(images.get(i).bytes()), bytes, "record " + i);
            }
        }
    }

    /**
     * For the memory-mapped layouts the buffer is a view into the map: direct, and two records
     * lie exactly as far apart in memory as their bytes lie apart in the file. A copy would land
     * anywhere.
     */
    @ParameterizedTest
    @EnumSource(value = Layout.class, names = {"BIN", "TFRECORD", "LMDB"})
    void mappedLayoutsHandOutDirectViewsIntoTheMap(Layout layout) throws Exception {
        List<Image> images = Fixtures.images(12, 32);
        Path path = Fixtures.write(layout, dir, images);
        byte[] file = Files.readAllBytes(Fixtures.dataFile(layout, path));
        // Where each record's bytes lie in the file. LMDB may leave a stale copy of a small value
        // in a page it split, so allow several places there; bin and TFRecord store each once.
        List<List<Long>> places = new ArrayList<>();
        int anchor = -1;
        for (int i = 0; i < images.size(); i++) {
            byte[] bytes = images.get(i).bytes();
            List<Long> at = new ArrayList<>();
            for (int o = Fixtures.indexOf(file, bytes, 0); o >= 0; o = Fixtures.indexOf(file, bytes, o + 1)) {
                at.add((long) o);
            }
            assertFalse(at.isEmpty(), "record " + i + " is not stored contiguously");
            if (layout != Layout.LMDB) {
                assertEquals(1, at.size(), "record " + i + " is stored " + at.size() + " times");
            }
            if (anchor < 0 && at.size() == 1) {
                anchor = i;
            }
            places.add(at);
        }
        assertTrue(anchor >= 0, "no record is stored exactly once");

        try (Container container = Containers.open(path);
             RecordReader reader = container.newReader();
             RecordReader other = container.newReader()) {
            long anchorAddress = address(reader.read(anchor));
            long anchorOffset = places.get(anchor).get(0);
            for (int i = 0; i < images.size(); i++) {
                ByteBuffer bytes = reader.read(i);
                assertTrue(bytes.isDirect(), "record " + i + " is not direct");
                assertTrue(bytes.isReadOnly(), "record " + i + " is writable");
                long impliedOffset = anchorOffset + (address(bytes) - anchorAddress);
                assertTrue(places.get(i).contains(impliedOffset), "record " + i + " is at file offset "
                        + impliedOffset + " by its address, but the file holds it at " + places.get(i));
                assertEquals(address(bytes), address(other.read(i)), "two readers, two copies of record " + i);
            }
        }
    }

    private static long address(ByteBuffer direct) {
        try (Pointer pointer = new Pointer(direct)) {
            return pointer.address() + pointer.position();
        }
    }
}
