package dev.bale.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damage on disk surfaces as a {@link CorruptContainerException} (or an IOException from open)
 * that names the file or the record: never wrong bytes, never a hang, never a JVM crash (which
 * would take the whole test run down with it).
 */
class CorruptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aFlippedByteInsideARecordFailsThatRecordOnly(Layout layout) throws IOException {
        List<Image> images = Fixtures.images(24, 91);
        Path path = Fixtures.write(layout, dir, images);
        int damaged = largestAfterFirst(images);
        Damage.flipByteOf(Fixtures.dataFile(layout, path), images.get(damaged).bytes());

        assertTimeoutPreemptively(LIMIT, () -> {
            try (Container container = Containers.open(path); RecordReader reader = container.newReader()) {
                for (int attempt = 0; attempt < 2; attempt++) {
                    CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> reader.read(damaged));
                    Damage.assertNamesRecord(e, damaged);
                    Damage.assertNames(e, path);
                }
                for (int i = 0; i < images.size(); i++) {
                    if (i != damaged) {
                        assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "undamaged record " + i);
                    }
                }
            }
        });
    }

    /**
     * The largest record but the first (which TFRecord checks at open): LMDB stores a large value
     * once, in overflow pages, while a small one may leave stale copies in pages it split.
     */
    private static int largestAfterFirst(List<Image> images) {
        int largest = 1;
        for (int i = 2; i < images.size(); i++) {
            largest = images.get(i).length() > images.get(largest).length() ? i : largest;
        }
        return largest;
    }

    static Stream<Arguments> truncations() {
        return Stream.of(Layout.values()).flatMap(layout -> Stream.of(0.1, 0.6, 0.99).map(f -> Arguments.of(layout, f)));
    }

    @ParameterizedTest(name = "{0} truncated to {1}")
    @MethodSource("truncations")
    void aTruncatedDataFileNeverYieldsWrongBytes(Layout layout, double fraction) throws IOException {
        List<Image> images = Fixtures.images(24, 92);
        Path path = Fixtures.write(layout, dir, images);
        Damage.truncate(Fixtures.dataFile(layout, path), fraction);

        assertTimeoutPreemptively(LIMIT, () -> {
            Container container;
            try {
                container = Containers.open(path);
            } catch (CorruptContainerException | IOException e) {
                Damage.assertNames(e, path);
                return;
            }
            int failed = 0;
            try (container; RecordReader reader = container.newReader()) {
                for (int i = 0; i < images.size(); i++) {
                    ByteBuffer bytes;
                    try {
                        bytes = reader.read(i);
                    } catch (CorruptContainerException e) {
                        Damage.assertNamesRecord(e, i);
                        failed++;
                        continue;
                    } catch (RuntimeException e) {
                        fail("record " + i + ": " + e + " instead of a CorruptContainerException", e);
                        return;
                    }
                    assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(bytes), "record " + i + " came back wrong");
                }
            }
            assertTrue(failed > 0, "the container opened and every record read, though its data was cut to "
                    + fraction);
        });
    }
}
