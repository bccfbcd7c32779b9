package dev.bale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.testing.CapturedCli;
import dev.bale.testing.Damage;
import dev.bale.testing.Fixtures.Image;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Legacy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the commands say about damaged and unchecksummed containers: words, exit 1, no stack trace. */
class DamageCliTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedCli cli = new CapturedCli();
    private final List<Image> images = Fixtures.images(10, 141);

    @Test
    void loadOnADamagedRecordIsAMessageAndExit1WithoutAStackTrace() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Damage.flipByteOf(path.resolve("data.bin"), images.get(6).bytes());
        assertEquals(1, cli.bale("load", path.toString(), "--workers", "1", "--batch", "4"));
        assertTrue(cli.err().contains("record 6 (" + images.get(6).key() + ")"), cli.err());
        assertTrue(cli.err().contains("checksum mismatch"), cli.err());
        assertFalse(cli.err().contains("\tat "), cli.err());
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
            assertEquals(1, cli.bale(args), command);
            assertTrue(cli.err().contains(manifest + ": checksum mismatch"), command + ": " + cli.err());
            assertFalse(cli.err().contains("\tat "), cli.err());
        }
        assertFalse(Files.exists(dir.resolve("out.lmdb")));
    }

    @Test
    void verifyChecksIndexTsv() throws IOException {
        Path path = Fixtures.write(Layout.BIN, dir, images);
        Files.writeString(path.resolve("index.tsv"), "0\t1\tcat\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(1, cli.bale("verify", path.toString()));
        assertTrue(cli.out().contains("BAD metadata: " + path.resolve("index.tsv") + ": is "), cli.out());
    }

    @Test
    void anUnchecksummedContainerIsInspectedAndConvertedOnlyOnRequest() throws IOException {
        Path path = Fixtures.write(Layout.SQLITE, dir, images);
        Legacy.strip(Layout.SQLITE, path);
        assertEquals(0, cli.bale("inspect", path.toString()));
        assertTrue(cli.out().contains("metadata      unchecksummed"), cli.out());
        assertEquals(0, cli.bale("verify", path.toString()));
        assertTrue(cli.out().contains("metadata unchecksummed"), cli.out());
        assertEquals(1, cli.bale("load", path.toString()));
        assertTrue(cli.err().contains("metadata unchecksummed"), cli.err());
        Path out = dir.resolve("rewritten.bin");
        assertEquals(1, cli.bale("convert", path.toString(), out.toString(), "--format", "bin"));
        assertEquals(0, cli.bale("convert", path.toString(), out.toString(), "--format", "bin", "--trust-unchecksummed"), cli.err());
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
        assertEquals(0, cli.bale("verify", path.toString()), cli.err());
        assertTrue(cli.err().contains("removed 1 dead staging entry of interrupted packs, freed 12,345 bytes"), cli.err());
        assertFalse(Files.exists(dead));
    }
}
