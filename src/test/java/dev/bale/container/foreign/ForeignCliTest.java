package dev.bale.container.foreign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.cli.Main;
import dev.bale.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on foreign datasets: inspect's evidence, convert's policies, verify's and load's exit codes. */
class ForeignCliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

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

    private String all() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inspectSaysWhatItDetectedAndConvertLoadsVerifyWork() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("plain"));
        List<Fixtures.Image> images = Fixtures.images(8, 5);
        ForeignWriters.plainBin(folder.resolve("train.bin"), folder.resolve("train.txt"),
                images.stream().map(Fixtures.Image::bytes).toList(),
                images.stream().map(im -> Integer.toString(im.classId())).toList());
        assertEquals(0, bale("inspect", folder.toString()), all());
        assertTrue(all().contains("plain-bin") && all().contains("unchecksummed") && all().contains("train.txt"), all());
        assertEquals(0, bale("inspect", "--json", folder.toString()), all());
        assertTrue(all().contains("\"foreign\"") && all().contains("\"checksums\": false"), all());
        assertEquals(0, bale("verify", "--decode", folder.toString()), all());
        Path converted = dir.resolve("converted.lmdb");
        assertEquals(0, bale("convert", folder.toString(), converted.toString(), "--format", "lmdb"), all());
        assertTrue(all().contains("of the source"), all());
        assertEquals(0, bale("verify", converted.toString()), all());
        // The data file named directly, with its index.
        assertEquals(0, bale("inspect", folder.resolve("train.bin").toString(), "--index", folder.resolve("train.txt").toString()), all());
        assertTrue(all().contains("records       8"), all());
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
        assertEquals(1, bale("convert", db.toString(), dir.resolve("a.bin").toString(), "--format", "bin"), all());
        assertTrue(all().contains("record 2 (" + key + ")"), all());
        assertEquals(0, bale("convert", db.toString(), dir.resolve("b.bin").toString(), "--format", "bin", "--on-bad", "skip"), all());
        assertTrue(all().contains("skipped 1"), all());
        assertEquals(1, bale("verify", db.toString()), all());
        assertTrue(all().contains("BAD") && all().contains(key), all());
    }

    @Test
    void pickledLmdbThroughLoadAndARefusedPickleThroughVerify() throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            values.add(PickleWriter.dumps(PickleWriter.lmdbImage(20, 24, 3, ForeignWriters.pixels(20, 24, 3, i), i % 2), 4));
        }
        ForeignWriters.pickledLmdb(dir.resolve("good"), values, 4);
        assertEquals(0, bale("load", dir.resolve("good").toString(), "--batch", "3", "--workers", "1", "--crop", "16", "--ceiling",
                "--resize", "18"), all());
        assertTrue(all().contains("ceiling: one thread"), all());
        assertEquals(0, bale("inspect", dir.resolve("good").toString()), all());
        assertTrue(all().contains("LMDB_Image") && all().contains("20x24x3 HWC RGB"), all());
        Path png = dir.resolve("png.sqlite");
        assertEquals(0, bale("convert", dir.resolve("good").toString(), png.toString(), "--format", "sqlite"), all());
        assertEquals(0, bale("verify", png.toString(), "--against", dir.resolve("good").toString()), all());
        Path stored = dir.resolve("stored.bin");
        assertEquals(0, bale("convert", dir.resolve("good").toString(), stored.toString(), "--format", "bin", "--keep-raw"), all());
        assertEquals(0, bale("verify", stored.toString(), "--against", dir.resolve("good").toString()), all());
        assertTrue(Files.size(stored.resolve("data.bin")) > 6 * 20 * 24 * 3, "uncompressed: at least the raw size");
        // A converted record whose pixels differ is found.
        List<byte[]> other = new ArrayList<>(values);
        other.set(4, PickleWriter.dumps(PickleWriter.lmdbImage(20, 24, 3, ForeignWriters.pixels(20, 24, 3, 99), 0), 4));
        ForeignWriters.pickledLmdb(dir.resolve("other"), other, 4);
        assertEquals(1, bale("verify", png.toString(), "--against", dir.resolve("other").toString()), all());
        assertTrue(all().contains("BAD record 4") && all().contains("pixel values differ"), all());
        assertEquals(0, bale("bench", dir.resolve("good").toString(), "--quick", "--formats", "bin", "--workers", "1",
                "--out", dir.resolve("bench").toString(), "--no-peer"), all());
        assertTrue(all().contains("in place") && all().contains("converted to bin"), all());
        assertTrue(Files.exists(dir.resolve("bench/foreign-report.md")));
        Path marker = dir.resolve("marker");
        values.set(1, PickleWriter.dumps(new PickleWriter.Call("os", "system", new Object[] {"touch " + marker}), 2));
        ForeignWriters.pickledLmdb(dir.resolve("evil"), values, 4);
        assertEquals(1, bale("verify", dir.resolve("evil").toString()), all());
        assertTrue(all().contains("record 1 (1)") && all().contains("os.system"), all());
        assertFalse(Files.exists(marker));
    }

    @Test
    void nothingMatchesExitsOneListingTheKindsTried() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("junk"));
        Files.write(folder.resolve("x"), new byte[] {0, 1, 2});
        assertEquals(1, bale("inspect", folder.toString()), all());
        assertTrue(all().contains("Tried:") && all().contains("plain-bin") && all().contains("webdataset"), all());
    }
}
