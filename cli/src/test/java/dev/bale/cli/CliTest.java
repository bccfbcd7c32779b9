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
import dev.bale.testing.CapturedCli;
import dev.bale.testing.Datasets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedCli cli = new CapturedCli();

    private Path photos() throws IOException {
        Datasets.photos(dir.resolve("src"), 12);
        return dir.resolve("src");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"pack", "inspect", "verify", "convert", "load", "demo"}) {
            assertEquals(0, cli.bale(command, "--help"), command);
            assertTrue(cli.out().contains("Usage: bale " + command), cli.out());
        }
        assertEquals(0, cli.bale("--help"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, cli.bale("pack"));
        assertTrue(cli.err().contains("Missing required"), cli.err());
        assertEquals(2, cli.bale("no-such-command"));
        assertEquals(2, cli.bale("pack", "a", "b", "--format", "bin", "--threads", "many"));
    }

    @Test
    void unknownFormatExitsOneWithAClearMessage() throws IOException {
        assertEquals(1, cli.bale("pack", photos().toString(), dir.resolve("out").toString(), "--format", "zip"));
        assertTrue(cli.err().contains("unknown format 'zip'"), cli.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void packInspectVerifyConvert() throws IOException {
        Path src = photos();
        Path bin = dir.resolve("data.bin");
        assertEquals(0, cli.bale("pack", src.toString(), bin.toString(), "--format", "bin", "--check", "--threads", "3"));
        assertTrue(cli.out().contains("packed 12 records"), cli.out());

        assertEquals(0, cli.bale("inspect", bin.toString(), "--json"));
        JsonObject json = JsonParser.parseString(cli.out()).getAsJsonObject();
        assertEquals("bin", json.get("layout").getAsString());
        assertEquals(12, json.get("records").getAsInt());
        assertEquals(3, json.getAsJsonArray("classes").size());
        assertEquals(4, json.getAsJsonArray("classes").get(0).getAsJsonObject().get("records").getAsInt());
        assertTrue(json.get("sizeRatio").getAsDouble() >= 1.0);

        assertEquals(0, cli.bale("inspect", bin.toString()));
        assertTrue(cli.out().contains("size ratio") && cli.out().contains("class_00"), cli.out());

        assertEquals(0, cli.bale("verify", bin.toString(), "--against", src.toString(), "--decode"));
        assertTrue(cli.out().contains("12 records checked") && cli.out().contains("0 problems"), cli.out());

        Path tfrecord = dir.resolve("data.tfrecord");
        assertEquals(0, cli.bale("convert", bin.toString(), tfrecord.toString(), "--format", "tfrecord"));
        assertEquals(0, cli.bale("inspect", tfrecord.toString()));
        assertTrue(cli.out().contains("image_raw") && cli.out().contains("bytes") && cli.out().contains("int64"), cli.out());
        assertEquals(0, cli.bale("verify", tfrecord.toString(), "--against", src.toString()));
    }

    @Test
    void verifyNamesTheDamagedRecordAndExitsOne() throws IOException {
        Path src = photos();
        Path bin = dir.resolve("data.bin");
        assertEquals(0, cli.bale("pack", src.toString(), bin.toString(), "--format", "bin"));
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
        assertEquals(1, cli.bale("verify", bin.toString()));
        assertTrue(cli.out().contains("BAD record " + victim + " (" + key + ")"), cli.out());
        assertTrue(cli.out().contains("1 problem"), cli.out());
    }

    @Test
    void verifyAgainstSourceFindsChangedAndMissingFiles() throws IOException {
        Path src = photos();
        Path db = dir.resolve("data.sqlite");
        assertEquals(0, cli.bale("pack", src.toString(), db.toString(), "--format", "sqlite"));
        Files.write(src.resolve("class_01/img_000001.jpg"), new byte[] {1, 2, 3});
        Files.write(src.resolve("class_02/extra.jpg"), new byte[] {1, 2, 3});
        assertEquals(1, cli.bale("verify", db.toString(), "--against", src.toString()));
        assertTrue(cli.out().contains("class_01/img_000001.jpg") && cli.out().contains("differs"), cli.out());
        assertTrue(cli.out().contains("class_02/extra.jpg") && cli.out().contains("not in the container"), cli.out());
    }

    @Test
    void badListLineExitsOneNamingTheLine() throws IOException {
        Path src = photos();
        Path list = Files.writeString(dir.resolve("list.txt"), "class_00/img_000000.jpg\tcat\nclass_00/img_000003.jpg cat\n");
        assertEquals(1, cli.bale("pack", src.toString(), dir.resolve("o.bin").toString(), "--format", "bin", "--list", list.toString()));
        assertTrue(cli.err().contains("list.txt line 2"), cli.err());
    }

    @Test
    void skipWritesAReportBesideTheOutput() throws IOException {
        Path src = photos();
        Files.delete(src.resolve("class_00/img_000003.jpg"));
        Path list = Files.writeString(dir.resolve("list.txt"), "class_00/img_000000.jpg\tcat\nclass_00/img_000003.jpg\tcat\n"
                + "class_01/img_000001.jpg\tdog\n");
        Path out = dir.resolve("o.lmdb");
        assertEquals(1, cli.bale("pack", src.toString(), out.toString(), "--format", "lmdb", "--list", list.toString()));
        assertTrue(cli.err().contains("list.txt line 2") && cli.err().contains("img_000003.jpg"), cli.err());
        assertFalse(Files.exists(out));
        assertEquals(0, cli.bale("pack", src.toString(), out.toString(), "--format", "lmdb", "--list", list.toString(),
                "--on-bad", "skip"));
        assertTrue(cli.out().contains("skipped 1 bad record"), cli.out());
        assertTrue(Files.readString(dir.resolve("o.lmdb.skipped.txt")).contains("line 2"));
    }

    @Test
    void existingOutputNeedsForce() throws IOException {
        Path src = photos();
        Path out = dir.resolve("o.tfrecord");
        assertEquals(0, cli.bale("pack", src.toString(), out.toString(), "--format", "tfrecord"));
        assertEquals(1, cli.bale("pack", src.toString(), out.toString(), "--format", "tfrecord"));
        assertTrue(cli.err().contains("--force"), cli.err());
        assertEquals(0, cli.bale("pack", src.toString(), out.toString(), "--format", "tfrecord", "--force"));
    }

    @Test
    void missingContainerExitsOne() {
        assertEquals(1, cli.bale("inspect", dir.resolve("nothing-here").toString()));
        assertTrue(cli.err().contains("nothing-here"), cli.err());
    }

    @Test
    void convertIsByteExactBetweenEveryPair() throws IOException {
        Path src = photos();
        for (Layout from : Layout.values()) {
            Path first = dir.resolve("first." + from.id());
            assertEquals(0, cli.bale("pack", src.toString(), first.toString(), "--format", from.id()));
            for (Layout to : Layout.values()) {
                Path second = dir.resolve(from.id() + "-to." + to.id());
                assertEquals(0, cli.bale("convert", first.toString(), second.toString(), "--format", to.id()), cli.err());
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
        assertEquals(0, cli.bale("pack", src.toString(), bin.toString(), "--format", "bin"));
        assertEquals(0, cli.bale("load", bin.toString(), "--epochs", "2", "--batch", "5", "--workers", "2",
                "--transform", "train", "--crop", "32", "--shuffle", "--ceiling"));
        assertTrue(cli.out().contains("batch 5 of [3, 32, 32]"), cli.out());
        assertTrue(cli.out().contains("epoch 1: 12 images in 3 batches") && cli.out().contains("images/s")
                && cli.out().contains("decode") && cli.out().contains("of the ceiling"), cli.out());
        assertEquals(1, cli.bale("load", bin.toString(), "--transform", "sideways"));
        // A preset name or a pipeline: an unknown word is an unknown op, and the message lists the ops.
        assertTrue(cli.err().contains("unknown op 'sideways'") && cli.err().contains("perspective"), cli.err());
    }

    @Test
    void loadReportsTheFractionDecodedAndComparesJpegDecoders() throws IOException {
        Path bin = dir.resolve("decoders.bin");
        assertEquals(0, cli.bale("pack", photos().toString(), bin.toString(), "--format", "bin"));
        String[] train = {"load", bin.toString(), "--batch", "4", "--workers", "2", "--transform", "train", "--crop", "16"};
        assertEquals(0, cli.bale(train));
        assertTrue(cli.out().contains("of the pixels") && !cli.out().contains("decoded 100.0% of the pixels"), cli.out());
        String[] whole = java.util.Arrays.copyOf(train, train.length + 1);
        whole[train.length] = "--whole-jpeg";
        assertEquals(0, cli.bale(whole));
        assertTrue(cli.out().contains("decoded 100.0% of the pixels"), cli.out());
        String[] compare = java.util.Arrays.copyOf(train, train.length + 2);
        compare[train.length] = "--compare-jpeg-decoders";
        compare[train.length + 1] = "2";
        assertEquals(0, cli.bale(compare));
        assertTrue(cli.out().contains("round 2:") && cli.out().contains("region/exact") && cli.out().contains("per CPU second"), cli.out());
    }

    @Test
    void benchOnUserDataWritesReportJsonAndCharts() throws IOException {
        Path src = photos();
        Path out = dir.resolve("bench");
        assertEquals(0, cli.bale("bench", src.toString(), "--quick", "--no-peer", "--workers", "2", "--formats", "bin,sqlite",
                "--out", out.toString()), cli.err());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| bin |") && report.contains("| sqlite |") && report.contains("12/12"), report);
        assertTrue(report.contains("Peer (PyTorch DataLoader): absent"), report);
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(2, json.getAsJsonArray("datasets").get(0).getAsJsonObject().getAsJsonArray("layouts").size());
        assertTrue(Files.size(out.resolve("user-throughput.png")) > 1000);
        assertTrue(Files.size(out.resolve("user-storage.png")) > 1000);
        assertTrue(cli.out().contains("loader/limit"), cli.out());
    }

    @Test
    void demoPacksVerifiesAndPrintsTheTable() {
        assertEquals(0, cli.bale("demo", "--dir", dir.resolve("demo").toString(), "--images", "20", "--no-bench"));
        for (Layout layout : Layout.values()) {
            assertTrue(cli.out().lines().anyMatch(l -> l.startsWith(layout.id() + " ") && l.contains(" ok")), cli.out());
        }
        assertTrue(cli.out().contains("every layout verified byte-exact"), cli.out());
    }
}
