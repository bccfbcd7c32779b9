package dev.bale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import dev.bale.testing.Legacy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the commands say about damaged and unchecksummed containers: words, exit 1, no stack trace. */
class DamageCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private final List<Image> images = Fixtures.images(10, 141);

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int bale(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void loadOnADamagedRecordIsAMessageAndExit1WithoutAStackTrace() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Damage.flipByteOf(path.resolve("data.bin"), images.get(6).bytes());
        assertEquals(1, bale("load", path.toString(), "--workers", "1", "--batch", "4"));
        assertTrue(err().contains("record 6 (" + images.get(6).key() + ")"), err());
        assertTrue(err().contains("checksum mismatch"), err());
        assertFalse(err().contains("\tat "), err());
    }

    @Test
    void convertRefusesAManifestWithZeroedClassNames() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Path manifest = path.resolve("manifest.json");
        byte[] json = Files.readAllBytes(manifest);
        int at = Fixtures.indexOf(json, "cat".getBytes(StandardCharsets.UTF_8), 0);
        json[at] = json[at + 1] = json[at + 2] = 0;
        Files.write(manifest, json);
        for (String command : new String[] {"convert", "load", "inspect", "verify"}) {
            String[] args = command.equals("convert")
                    ? new String[] {command, path.toString(), dir.resolve("out.lmdb").toString(), "--format", "lmdb"}
                    : new String[] {command, path.toString()};
            assertEquals(1, bale(args), command);
            assertTrue(err().contains(manifest + ": checksum mismatch"), command + ": " + err());
            assertFalse(err().contains("\tat "), err());
        }
        assertFalse(Files.exists(dir.resolve("out.lmdb")));
    }

    @Test
    void verifyChecksIndexTsv() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Files.writeString(path.resolve("index.tsv"), "0\t1\tcat\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(1, bale("verify", path.toString()));
        assertTrue(out().contains("BAD metadata: " + path.resolve("index.tsv") + ": is "), out());
    }

    @Test
    void anUnchecksummedContainerIsInspectedAndConvertedOnlyOnRequest() throws IOException {
        Path path = Fixtures.write(Layout.SQLITE, dir, images);
        Legacy.strip(Layout.SQLITE, path);
        assertEquals(0, bale("inspect", path.toString()));
        assertTrue(out().contains("metadata      unchecksummed"), out());
        assertEquals(0, bale("verify", path.toString()));
        assertTrue(out().contains("metadata unchecksummed"), out());
        assertEquals(1, bale("load", path.toString()));
        assertTrue(err().contains("metadata unchecksummed"), err());
        Path out = dir.resolve("rewritten.bin");
        assertEquals(1, bale("convert", path.toString(), out.toString(), "--format", "bin"));
        assertEquals(0, bale("convert", path.toString(), out.toString(), "--format", "bin", "--trust-unchecksummed"), err());
        try (Container container = Containers.open(out)) {
            assertTrue(container.metadataChecksummed());
            assertEquals(Fixtures.CLASSES, container.manifest().classes());
        }
    }

    @Test
    void verifyRemovesDeadStagingFilesAndSaysHowMuchItFreed() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Path dead = dir.resolve("." + path.getFileName() + ".partial-0123abcd");
        Files.createDirectories(dead);
        Files.write(dead.resolve("data.bin"), new byte[12_345]);
        assertEquals(0, bale("verify", path.toString()), err());
        assertTrue(err().contains("removed 1 dead staging entry of interrupted packs, freed 12,345 bytes"), err());
        assertFalse(Files.exists(dead));
    }
}
