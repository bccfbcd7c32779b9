package dev.bale.container.lmdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Legacy;
import dev.bale.testing.Fixtures.Image;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage inside LMDB's pages. LMDB trusts its pages: a value whose stored size runs past the end
 * of the file comes back as a pointer into the map past the file's end, and touching it kills the
 * JVM with SIGBUS. Bale must check the extent before anything reads it. LmdbDeepDamageTest covers
 * every kind of page.
 */
class LmdbCorruptionTest {
    /** LMDB node flag: the value lives in overflow pages. */
    private static final int F_BIGDATA = 0x01;

    @TempDir
    Path dir;

    @Test
    void aValueWhoseSizeRunsPastTheFileIsRefusedNotRead() throws IOException {
        List<Image> images = Fixtures.images(24, 121);
        Path path = Fixtures.write(Layout.LMDB, dir, images);
        // The manifest's checksum over the records database would refuse this at open; without
        // one (a container written before Bale recorded them) the read itself must refuse it.
        Legacy.strip(Layout.LMDB, path);
        Path data = path.resolve("data.mdb");
        byte[] file = Files.readAllBytes(data);
        int damaged = largest(images);
        Image image = images.get(damaged);
        int bogus = file.length * 2; // far past the end of the file

        // Both places that state the size must agree, or the length cross-check alone catches it:
        // the images node header (mn_lo, mn_hi, mn_flags, mn_ksize, key) ...
        ByteBuffer node = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) image.length()).putShort((short) (image.length() >>> 16))
                .putShort((short) F_BIGDATA).putShort((short) 8)
                .order(ByteOrder.BIG_ENDIAN).putLong(damaged);
        int nodeAt = only(file, node.array());
        ByteBuffer.wrap(file, nodeAt, 4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) bogus).putShort((short) (bogus >>> 16));
        // ... and the records entry (length, CRC-32C, class id), right after its 8-byte key.
        CRC32C crc = new CRC32C();
        crc.update(image.bytes());
        ByteBuffer entry = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(damaged)
                .order(ByteOrder.LITTLE_ENDIAN).putInt(image.length()).putInt((int) crc.getValue());
        int entryAt = only(file, entry.array());
        ByteBuffer.wrap(file, entryAt + 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(bogus);
        Files.write(data, file);

        // The overflow run no longer covers the value: refused at open, before anything reads it
        // (LmdbPageCheck), naming the record.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path, true));
            Damage.assertNamesRecord(e, damaged);
            assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        });
    }

    /** liblmdb asserts (aborting the JVM) on a database root of page 0: refused before LMDB looks. */
    @Test
    void aZeroedDatabaseRootIsRefusedBeforeLmdbAbortsTheJvm() throws IOException {
        Path path = Fixtures.write(Layout.LMDB, dir, Fixtures.images(6, 122));
        Path data = path.resolve("data.mdb");
        byte[] file = Files.readAllBytes(data);
        // The main database's node for "images": mn_lo, mn_hi, mn_flags = F_SUBDATA, mn_ksize = 6, key, MDB_db.
        ByteBuffer node = ByteBuffer.allocate(14).order(ByteOrder.nativeOrder())
                .putShort((short) 48).putShort((short) 0).putShort((short) 2).putShort((short) 6)
                .put("images".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        // Every copy: older transactions left stale copies of the page (LMDB copies on write).
        int copies = 0;
        for (int at = Fixtures.indexOf(file, node.array(), 0); at >= 0; at = Fixtures.indexOf(file, node.array(), at + 1)) {
            ByteBuffer.wrap(file, at + 14 + 40, 8).order(ByteOrder.nativeOrder()).putLong(0);
            copies++;
        }
        assertTrue(copies > 0, "no node for 'images' in data.mdb");
        Files.write(data, file);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(path).close());
        assertTrue(e.getMessage().contains("root is page 0"), e.getMessage());
    }

    private static int only(byte[] file, byte[] pattern) {
        int at = Fixtures.indexOf(file, pattern, 0);
        assertTrue(at >= 0, "pattern not found in data.mdb");
        assertEquals(-1, Fixtures.indexOf(file, pattern, at + 1), "pattern found twice in data.mdb");
        return at;
    }

    /** The largest record: stored in overflow pages, so its node carries F_BIGDATA. */
    private static int largest(List<Image> images) {
        int largest = 0;
        for (int i = 1; i < images.size(); i++) {
            largest = images.get(i).length() > images.get(largest).length() ? i : largest;
        }
        return largest;
    }
}
