package dev.bale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.testing.Datasets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
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

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path photos() throws IOException {
        Datasets.photos(dir.resolve("src"), 12);
        return dir.resolve("src");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"pack", "inspect", "verify", "convert", "load", "demo"}) {
            assertEquals(0, bale(command, "--help"), command);
            assertTrue(out().contains("Usage: bale " + command), out());
        }
        assertEquals(0, bale("--help"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, bale("pack"));
        assertTrue(err().contains("Missing required"), err());
        assertEquals(2, bale("no-such-command"));
        assertEquals(2, bale("pack", "a", "b", "--format", "bin", "--threads", "many"));
    }

    @Test
    void unknownFormatExitsOneWithAClearMessage() throws IOException {
        assertEquals(1, bale("pack", photos().toString(), dir.resolve("out").toString(), "--format", "zip"));
        assertTrue(err().contains("unknown format 'zip'"), err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void packInspectVerifyConvert() throws IOException {
        Path src = photos();
        Path bin = dir.resolve("data.bin");
        assertEquals(0, bale("pack", src.toString(), bin.toString(), "--format", "bin", "--check", "--threads", "3"));
        assertTrue(out().contains("packed 12 records"), out());

        assertEquals(0, bale("inspect", bin.toString(), "--json"));
        JsonObject json = JsonParser.parseString(out()).getAsJsonObject();
        assertEquals("bin", json.get("layout").getAsString());
        assertEquals(12, json.get("records").getAsInt());
        assertEquals(3, json.getAsJsonArray("classes").size());
        assertEquals(4, json.getAsJsonArray("classes").get(0).getAsJsonObject().get("records").getAsInt());
        assertTrue(json.get("sizeRatio").getAsDouble() >= 1.0);

        assertEquals(0, bale("inspect", bin.toString()));
        assertTrue(out().contains("size ratio") && out().contains("class_00"), out());

        assertEquals(0, bale("verify", bin.toString(), "--against", src.toString(), "--decode"));
        assertTrue(out().contains("12 records checked") && out().contains("0 problems"), out());

        Path tfrecord = dir.resolve("data.tfrecord");
        assertEquals(0, bale("convert", bin.toString(), tfrecord.toString(), "--format", "tfrecord"));
        assertEquals(0, bale("inspect", tfrecord.toString()));
        assertTrue(out().contains("image_raw") && out().contains("bytes") && out().contains("int64"), out());
        assertEquals(0, bale("verify", tfrecord.toString(), "--against", src.toString()));
    }

    @Test
    void verifyNamesTheDamagedRecordAndExitsOne() throws IOException {
        Path src = photos();
        Path bin = dir.resolve("data.bin");
        assertEquals(0, bale("pack", src.toString(), bin.toString(), "--format", "bin"));
        int victim = 5;
        String key;
        long offset;
        try (Container container = Containers.open(bin); RecordReader reader = container.newReader()) {
            key = reader.key(victim);
            offset = 0;
            for (int i = 0; i < victim; i++) {
                offset += reader.read(i).remaining();
            }
        }
        byte[] data = Files.readAllBytes(bin.resolve("data.bin"));
        data[(int) offset + 100] ^= 0x20;
        Files.write(bin.resolve("data.bin"), data);
        assertEquals(1, bale("verify", bin.toString()));
        assertTrue(out().contains("BAD record " + victim + " (" + key + ")"), out());
        assertTrue(out().contains("1 problem"), out());
    }

    @Test
    void verifyAgainstSourceFindsChangedAndMissingFiles() throws IOException {
        Path src = photos();
        Path db = dir.resolve("data.sqlite");
        assertEquals(0, bale("pack", src.toString(), db.toString(), "--format", "sqlite"));
        Files.write(src.resolve("class_01/img_000001.jpg"), new byte[] {1, 2, 3});
        Files.write(src.resolve("class_02/extra.jpg"), new byte[] {1, 2, 3});
        assertEquals(1, bale("verify", db.toString(), "--against", src.toString()));
        assertTrue(out().contains("class_01/img_000001.jpg") && out().contains("differs"), out());
        assertTrue(out().contains("class_02/extra.jpg") && out().contains("not in the container"), out());
    }

    @Test
    void badListLineExitsOneNamingTheLine() throws IOException {
        Path src = photos();
        Path list = Files.writeString(dir.resolve("list.txt"), "class_00/img_000000.jpg\tcat\nclass_00/img_000003.jpg cat\n");
        assertEquals(1, bale("pack", src.toString(), dir.resolve("o.bin").toString(), "--format", "bin", "--list", list.toString()));
        assertTrue(err().contains("list.txt line 2"), err());
    }

    @Test
    void skipWritesAReportBesideTheOutput() throws IOException {
        Path src = photos();
        Files.delete(src.resolve("class_00/img_000003.jpg"));
        Path list = Files.writeString(dir.resolve("list.txt"), "class_00/img_000000.jpg\tcat\nclass_00/img_000003.jpg\tcat\n"
                + "class_01/img_000001.jpg\tdog\n");
        Path out = dir.resolve("o.lmdb");
        assertEquals(1, bale("pack", src.toString(), out.toString(), "--format", "lmdb", "--list", list.toString()));
        assertTrue(err().contains("list.txt line 2") && err().contains("img_000003.jpg"), err());
        assertFalse(Files.exists(out));
        assertEquals(0, bale("pack", src.toString(), out.toString(), "--format", "lmdb", "--list", list.toString(),
                "--on-bad", "skip"));
        assertTrue(out().contains("skipped 1 bad record"), out());
        assertTrue(Files.readString(dir.resolve("o.lmdb.skipped.txt")).contains("line 2"));
    }

    @Test
    void existingOutputNeedsForce() throws IOException {
        Path src = photos();
        Path out = dir.resolve("o.tfrecord");
        assertEquals(0, bale("pack", src.toString(), out.toString(), "--format", "tfrecord"));
        assertEquals(1, bale("pack", src.toString(), out.toString(), "--format", "tfrecord"));
        assertTrue(err().contains("--force"), err());
        assertEquals(0, bale("pack", src.toString(), out.toString(), "--format", "tfrecord", "--force"));
    }

    @Test
    void missingContainerExitsOne() {
        assertEquals(1, bale("inspect", dir.resolve("nothing-here").toString()));
        assertTrue(err().contains("nothing-here"), err());
    }

    @Test
    void convertIsByteExactBetweenEveryPair() throws IOException {
        Path src = photos();
        for (Layout from : Layout.values()) {
            Path first = dir.resolve("first." + from.id());
            assertEquals(0, bale("pack", src.toString(), first.toString(), "--format", from.id()));
            for (Layout to : Layout.values()) {
                Path second = dir.resolve(from.id() + "-to." + to.id());
                assertEquals(0, bale("convert", first.toString(), second.toString(), "--format", to.id()), err());
                try (Container a = Containers.open(first); Container b = Containers.open(second);
                     RecordReader ra = a.newReader(); RecordReader rb = b.newReader()) {
                    assertEquals(to, b.layout());
                    assertEquals(a.manifest().classes(), b.manifest().classes());
                    assertEquals(a.size(), b.size());
                    assertEquals(java.util.Arrays.toString(a.classIds()), java.util.Arrays.toString(b.classIds()));
                    for (int i = 0; i < a.size(); i++) {
                        ByteBuffer copy = ByteBuffer.allocate(ra.read(i).remaining()).put(ra.read(i)).flip();
                        assertEquals(copy, rb.read(i), from + " -> " + to + " record " + i);
                        assertEquals(ra.key(i), rb.key(i));
                    }
                }
            }
        }
    }

    @Test
    void loadStreamsAContainerAndReportsStages() throws IOException {
        Path src = photos();
        Path bin = dir.resolve("data.bin");
        assertEquals(0, bale("pack", src.toString(), bin.toString(), "--format", "bin"));
        assertEquals(0, bale("load", bin.toString(), "--epochs", "2", "--batch", "5", "--workers", "2",
                "--transform", "train", "--crop", "32", "--shuffle", "--ceiling"));
        assertTrue(out().contains("batch 5 of [3, 32, 32]"), out());
        assertTrue(out().contains("epoch 1: 12 images in 3 batches") && out().contains("images/s")
                && out().contains("decode") && out().contains("of the ceiling"), out());
        assertEquals(1, bale("load", bin.toString(), "--transform", "sideways"));
        // A preset name or a pipeline: an unknown word is an unknown op, and the message lists the ops.
        assertTrue(err().contains("unknown op 'sideways'") && err().contains("perspective"), err());
    }

    @Test
    void loadReportsTheFractionDecodedAndComparesJpegDecoders() throws IOException {
        Path bin = dir.resolve("decoders.bin");
        assertEquals(0, bale("pack", photos().toString(), bin.toString(), "--format", "bin"));
        String[] train = {"load", bin.toString(), "--batch", "4", "--workers", "2", "--transform", "train", "--crop", "16"};
        assertEquals(0, bale(train));
        assertTrue(out().contains("of the pixels") && !out().contains("decoded 100.0% of the pixels"), out());
        String[] whole = java.util.Arrays.copyOf(train, train.length + 1);
        whole[train.length] = "--whole-jpeg";
        assertEquals(0, bale(whole));
        assertTrue(out().contains("decoded 100.0% of the pixels"), out());
        String[] compare = java.util.Arrays.copyOf(train, train.length + 2);
        compare[train.length] = "--compare-jpeg-decoders";
        compare[train.length + 1] = "2";
        assertEquals(0, bale(compare));
        assertTrue(out().contains("round 2:") && out().contains("region/exact") && out().contains("per CPU second"), out());
    }

    @Test
    void benchOnUserDataWritesReportJsonAndCharts() throws IOException {
        Path src = photos();
        Path out = dir.resolve("bench");
        assertEquals(0, bale("bench", src.toString(), "--quick", "--no-peer", "--workers", "2", "--formats", "bin,sqlite",
                "--out", out.toString()), err());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| bin |") && report.contains("| sqlite |") && report.contains("12/12"), report);
        assertTrue(report.contains("Peer (PyTorch DataLoader): absent"), report);
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(2, json.getAsJsonArray("datasets").get(0).getAsJsonObject().getAsJsonArray("layouts").size());
        assertTrue(Files.size(out.resolve("user-throughput.png")) > 1000);
        assertTrue(Files.size(out.resolve("user-storage.png")) > 1000);
        assertTrue(out().contains("loader/limit"), out());
    }

    @Test
    void demoPacksVerifiesAndPrintsTheTable() {
        assertEquals(0, bale("demo", "--dir", dir.resolve("demo").toString(), "--images", "20", "--no-bench"));
        for (Layout layout : Layout.values()) {
            assertTrue(out().lines().anyMatch(l -> l.startsWith(layout.id() + " ") && l.contains(" ok")), out());
        }
        assertTrue(out().contains("every layout verified byte-exact"), out());
    }
}
