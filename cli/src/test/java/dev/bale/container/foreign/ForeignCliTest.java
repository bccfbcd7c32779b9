package dev.bale.container.foreign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.testing.CapturedCli;
import dev.bale.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The commands on foreign datasets: inspect's evidence, convert's policies, verify's and load's exit codes. */
class ForeignCliTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedCli cli = new CapturedCli();

    @Test
    void inspectSaysWhatItDetectedAndConvertLoadsVerifyWork() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("plain"));
        List<Fixtures.Image> images = Fixtures.images(8, 5);
        ForeignWriters.plainBin(folder.resolve("train.bin"), folder.resolve("train.txt"),
                images.stream().map(Fixtures.Image::bytes).toList(),
                images.stream().map(im -> Integer.toString(im.classId())).toList());
        assertEquals(0, cli.bale("inspect", folder.toString()), cli.all());
        assertTrue(cli.all().contains("plain-bin") && cli.all().contains("unchecksummed") && cli.all().contains("train.txt"), cli.all());
        assertEquals(0, cli.bale("inspect", "--json", folder.toString()), cli.all());
        assertTrue(cli.all().contains("\"foreign\"") && cli.all().contains("\"checksums\": false"), cli.all());
        assertEquals(0, cli.bale("verify", "--decode", folder.toString()), cli.all());
        Path converted = dir.resolve("converted.lmdb");
        assertEquals(0, cli.bale("convert", folder.toString(), converted.toString(), "--format", "lmdb"), cli.all());
        assertTrue(cli.all().contains("of the source"), cli.all());
        assertEquals(0, cli.bale("verify", converted.toString()), cli.all());
        // The data file named directly, with its index.
        assertEquals(0, cli.bale("inspect", folder.resolve("train.bin").toString(), "--index", folder.resolve("train.txt").toString()), cli.all());
        assertTrue(cli.all().contains("records       8"), cli.all());
    }

    @Test
    void badRecordsExitOneNamingTheRecordAndConvertCanSkipThem() throws Exception {
        Path db = dir.resolve("nulls.db");
        List<Object[]> rows = new ArrayList<>();
        for (Fixtures.Image im : Fixtures.images(6, 5)) {
            rows.add(new Object[] {im.key(), rows.size() == 2 ? null : im.bytes(), "x"});
        }
        ForeignWriters.sqlite(db, "CREATE TABLE images (img_path TEXT PRIMARY KEY, img_data BLOB, img_label TEXT)",
                "INSERT INTO images VALUES (?, ?, ?)", rows);
        String key = Fixtures.images(6, 5).get(2).key();
        assertEquals(1, cli.bale("convert", db.toString(), dir.resolve("a.bin").toString(), "--format", "bin"), cli.all());
        assertTrue(cli.all().contains("record 2 (" + key + ")"), cli.all());
        assertEquals(0, cli.bale("convert", db.toString(), dir.resolve("b.bin").toString(), "--format", "bin", "--on-bad", "skip"), cli.all());
        assertTrue(cli.all().contains("skipped 1"), cli.all());
        assertEquals(1, cli.bale("verify", db.toString()), cli.all());
        assertTrue(cli.all().contains("BAD") && cli.all().contains(key), cli.all());
    }

    @Test
    void pickledLmdbThroughLoadAndARefusedPickleThroughVerify() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            values.add(PickleWriter.dumps(PickleWriter.lmdbImage(20, 24, 3, ForeignWriters.pixels(20, 24, 3, i), i % 2), 4));
        }
        ForeignWriters.pickledLmdb(dir.resolve("good"), values, 4);
        assertEquals(0, cli.bale("load", dir.resolve("good").toString(), "--batch", "3", "--workers", "1", "--crop", "16", "--ceiling",
                "--resize", "18"), cli.all());
        assertTrue(cli.all().contains("ceiling: one thread"), cli.all());
        assertEquals(0, cli.bale("inspect", dir.resolve("good").toString()), cli.all());
        assertTrue(cli.all().contains("LMDB_Image") && cli.all().contains("20x24x3 HWC RGB"), cli.all());
        Path png = dir.resolve("png.sqlite");
        assertEquals(0, cli.bale("convert", dir.resolve("good").toString(), png.toString(), "--format", "sqlite"), cli.all());
        assertEquals(0, cli.bale("verify", png.toString(), "--against", dir.resolve("good").toString()), cli.all());
        Path stored = dir.resolve("stored.bin");
        assertEquals(0, cli.bale("convert", dir.resolve("good").toString(), stored.toString(), "--format", "bin", "--keep-raw"), cli.all());
        assertEquals(0, cli.bale("verify", stored.toString(), "--against", dir.resolve("good").toString()), cli.all());
        assertTrue(Files.size(stored.resolve("data.bin")) > 6 * 20 * 24 * 3, "uncompressed: at least the raw size");
        // A converted record whose pixels differ is found.
        List<byte[]> other = new ArrayList<>(values);
        other.set(4, PickleWriter.dumps(PickleWriter.lmdbImage(20, 24, 3, ForeignWriters.pixels(20, 24, 3, 99), 0), 4));
        ForeignWriters.pickledLmdb(dir.resolve("other"), other, 4);
        assertEquals(1, cli.bale("verify", png.toString(), "--against", dir.resolve("other").toString()), cli.all());
        assertTrue(cli.all().contains("BAD record 4") && cli.all().contains("pixel values differ"), cli.all());
        assertEquals(0, cli.bale("bench", dir.resolve("good").toString(), "--quick", "--formats", "bin", "--workers", "1",
                "--out", dir.resolve("bench").toString(), "--no-peer"), cli.all());
        assertTrue(cli.all().contains("in place") && cli.all().contains("converted to bin"), cli.all());
        assertTrue(Files.exists(dir.resolve("bench/foreign-report.md")));
        Path marker = dir.resolve("marker");
        values.set(1, PickleWriter.dumps(new PickleWriter.Call("os", "system", new Object[] {"touch " + marker}), 2));
        ForeignWriters.pickledLmdb(dir.resolve("evil"), values, 4);
        assertEquals(1, cli.bale("verify", dir.resolve("evil").toString()), cli.all());
        assertTrue(cli.all().contains("record 1 (1)") && cli.all().contains("os.system"), cli.all());
        assertFalse(Files.exists(marker));
    }

    @Test
    void nothingMatchesExitsOneListingTheKindsTried() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("junk"));
        Files.write(folder.resolve("x"), new byte[] {0, 1, 2});
        assertEquals(1, cli.bale("inspect", folder.toString()), cli.all());
        assertTrue(cli.all().contains("Tried:") && cli.all().contains("plain-bin") && cli.all().contains("webdataset"), cli.all());
    }
}
