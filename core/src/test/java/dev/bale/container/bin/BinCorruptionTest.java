package dev.bale.container.bin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Legacy;
import dev.bale.testing.Fixtures.Image;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A damaged index.bin is refused, never followed outside data.bin. */
class BinCorruptionTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int DAMAGED = 5;

    @TempDir
    Path dir;

    /**
     * Entry {@value #DAMAGED} is rewritten; the other entries stay good. Offsets and lengths are as
     * stored (u64, u32), so a "negative" one is a huge unsigned number on disk.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "offset far past the end,      PAST_END,        KEEP",
            "one byte past the end,        ONE_PAST_END,    KEEP",
            "offset with its top bit set,  -1,              KEEP",
            "offset + length overflows,    9223372036854775807, KEEP",
            "length 0xFFFFFFFF,            KEEP,            -1",
            "length past the end,          KEEP,            LONGER_THAN_FILE",
    })
    void anIndexEntryPointingOutsideDataBinFailsThatRecord(String name, String offsetChange, String lengthChange)
            throws IOException {
        List<Image> images = Fixtures.images(12, 101);
        Path path = Fixtures.write(Layout.BIN, dir, images);
        // The manifest's checksum over index.bin refuses any of this at open; without one (a
        // container from before Bale recorded them) each read must still check its entry.
        Legacy.strip(Layout.BIN, path);
        long dataSize = Files.size(path.resolve(BinContainer.DATA));
        long entry = BinIndex.HEADER + (long) DAMAGED * BinIndex.ENTRY;

        try (FileChannel index = FileChannel.open(path.resolve(BinContainer.INDEX), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer e = ByteBuffer.allocate(BinIndex.ENTRY).order(ByteOrder.LITTLE_ENDIAN);
            index.read(e, entry);
            long offset = e.getLong(0);
            int length = e.getInt(8);
            offset = switch (offsetChange) {
                case "KEEP" -> offset;
                case "PAST_END" -> dataSize + 1_000_000;
                case "ONE_PAST_END" -> dataSize - length + 1;
                default -> Long.parseLong(offsetChange);
            };
            length = switch (lengthChange) {
                case "KEEP" -> length;
                case "LONGER_THAN_FILE" -> (int) dataSize + 1;
                default -> Integer.parseInt(lengthChange);
            };
            e.putLong(0, offset).putInt(8, length);
            index.write(e.rewind(), entry);
        }

        assertTimeoutPreemptively(LIMIT, () -> {
            try (Container container = Containers.open(path, true); RecordReader reader = container.newReader()) {
                CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> reader.read(DAMAGED));
                Damage.assertNamesRecord(e, DAMAGED);
                Damage.assertNames(e, path);
                for (int i = 0; i < images.size(); i++) {
                    if (i != DAMAGED) {
                        assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "undamaged record " + i);
                    }
                }
            }
        });
    }

    @Test
    void anIndexLengthOverOneGigabyteIsRefused() throws IOException {
        List<Image> images = Fixtures.images(6, 102);
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Legacy.strip(Layout.BIN, path);
        try (FileChannel index = FileChannel.open(path.resolve(BinContainer.INDEX), StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7FFF_FFF0);
            index.write(length, BinIndex.HEADER + 2L * BinIndex.ENTRY + 8);
        }
        assertTimeoutPreemptively(LIMIT, () -> {
            // Refused at open (no mapping window can hold it) or at read: either way, an exception.
            try (Container container = Containers.open(path, true); RecordReader reader = container.newReader()) {
                Damage.assertNamesRecord(assertThrows(CorruptContainerException.class, () -> reader.read(2)), 2);
            } catch (CorruptContainerException e) {
                Damage.assertNames(e, path);
            }
        });
    }

    @Test
    void aTruncatedIndexIsRefusedAtOpen() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, Fixtures.images(6, 103));
        Damage.truncate(path.resolve(BinContainer.INDEX), 0.9);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path));
        Damage.assertNames(e, path.resolve(BinContainer.INDEX));
    }

    @Test
    void anIndexThatDisagreesWithTheManifestIsRefusedAtOpen() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, Fixtures.images(6, 104));
        // Drop the last entry and say so in the header: a consistent index, but of 5 records.
        Path index = path.resolve(BinContainer.INDEX);
        try (FileChannel channel = FileChannel.open(index, StandardOpenOption.WRITE)) {
            channel.truncate(BinIndex.HEADER + 5L * BinIndex.ENTRY);
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5), 8);
        }
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path));
        Damage.assertNames(e, path);
    }
}
