package dev.bale.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.cli.Main;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.PackResult;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShardedDatasetTest {
    @TempDir
    Path dir;

    private Source photos(int n) throws IOException {
        Path src = dir.resolve("src");
        if (!Files.exists(src)) {
            dev.bale.testing.Datasets.photos(src, n);
        }
        return Source.folder(src);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** Every record of {@code container} equals the source file, with its key and class id, in list order. */
    private static void assertSameRecords(Source source, Container container) throws IOException {
        assertEquals(source.size(), container.size());
        assertEquals(source.classes(), container.manifest().classes());
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < source.size(); i++) {
                assertArrayEquals(Files.readAllBytes(source.entries().get(i).file()), bytes(reader.read(i)), "record " + i);
                assertEquals(source.entries().get(i).key(), reader.key(i));
                assertEquals(source.classId(i), container.classIds()[i], "class of record " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void packsShardsAndOpensThemAsOneContainer(Layout layout) throws IOException {
        Source source = photos(23);
        Path out = dir.resolve("ds");
        PackResult result = ShardedPacker.pack(new SourceInput(source), out, PackOptions.of(layout),
                ShardPlan.ofShards(23, 4), PackListener.NONE);
        assertEquals(23, result.records());
        DatasetManifest manifest = DatasetManifest.fromJson(Files.readString(out.resolve("dataset.json")), "test");
        assertEquals(4, manifest.shards().size());
        assertArrayEquals(new int[] {5, 6, 6, 6}, manifest.shardRecords());
        assertEquals(layout.id(), manifest.layout());
        for (int s = 0; s < 4; s++) {
            DatasetManifest.Shard shard = manifest.shards().get(s);
            assertEquals(ShardPlan.name(s, layout), shard.path());
            assertEquals(shard.sha256(), ShardFiles.sha256(out, shard.files()), "sha256 of shard " + s);
        }
        for (String location : List.of(out.toString(), out.resolve("dataset.json").toString())) {
            try (Container container = Containers.open(Path.of(location))) {
                assertInstanceOf(ShardedContainer.class, container);
                assertEquals(layout, container.layout());
                assertSameRecords(source, container);
            }
        }
    }

    @Test
    void shardsAreByteIdenticalHoweverTheyAreWritten() throws IOException {
        Source source = photos(20);
        SourceInput input = new SourceInput(source);
        for (Layout layout : Layout.values()) {
            Path whole = dir.resolve("whole-" + layout.id());
            ShardPlan plan = ShardPlan.ofShards(20, 3);
            ShardedPacker.pack(input, whole, PackOptions.of(layout).withThreads(4), plan, PackListener.NONE);
            // One shard at a time, out of order, one reader thread, into another folder: as a cluster task would.
            Path parts = Files.createDirectory(dir.resolve("parts-" + layout.id()));
            ShardedPacker.ShardResult[] byShard = new ShardedPacker.ShardResult[3];
            for (int s : new int[] {2, 0, 1}) {
                byShard[s] = ShardedPacker.writeShard(input, plan, s, PackOptions.of(layout).withThreads(1), parts,
                        PackListener.NONE);
            }
            ShardedPacker.writeManifest(ShardedPacker.manifest(layout, source.classes(), List.of(byShard)), parts);
            assertEquals(Files.readString(whole.resolve("dataset.json")), Files.readString(parts.resolve("dataset.json")),
                    layout + ": dataset.json (and with it every shard's sha256)");
            for (String name : listing(whole)) {
                assertArrayEquals(Files.readAllBytes(whole.resolve(name)), Files.readAllBytes(parts.resolve(name)),
                        layout + ": " + name);
            }
            assertEquals(listing(whole), listing(parts));
        }
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void shardSizeLimitsRecordBytesPerShard() throws IOException {
        Source source = photos(30);
        long[] sizes = new long[30];
        for (int i = 0; i < 30; i++) {
            sizes[i] = Files.size(source.entries().get(i).file());
        }
        long limit = 4 * java.util.Arrays.stream(sizes).max().getAsLong();
        ShardPlan plan = ShardedPacker.plan(new SourceInput(source), 0, limit);
        assertTrue(plan.shards() > 1);
        for (int s = 0; s < plan.shards(); s++) {
            long used = 0;
            for (int i = plan.from(s); i < plan.to(s); i++) {
                used += sizes[i];
            }
            assertTrue(used <= limit, "shard " + s + " holds " + used + " bytes");
            if (s + 1 < plan.shards()) {
                assertTrue(used + sizes[plan.to(s)] > limit, "shard " + s + " could have taken the next record");
            }
        }
        assertEquals(30, plan.records());
        assertEquals(256_000_000L, ShardPlan.parseSize("256MB"));
        assertEquals(64L << 20, ShardPlan.parseSize("64MiB"));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.parseSize("lots"));
    }

    @Test
    void cliPacksInspectsVerifiesLoadsAndConvertsBothWays() throws IOException {
        Source source = photos(25);
        Path src = dir.resolve("src");
        Path ds = dir.resolve("ds");
        assertEquals(0, Main.run("pack", src.toString(), ds.toString(), "--format", "tfrecord", "--shard-size", "20kB"));
        assertEquals(0, Main.run("inspect", ds.toString()));
        assertEquals(0, Main.run("verify", ds.resolve("dataset.json").toString(), "--against", src.toString(), "--decode"));
        assertEquals(0, Main.run("load", ds.toString(), "--batch", "8", "--workers", "2", "--crop", "32", "--resize", "40"));
        assertEquals(0, Main.run("load", ds.toString(), "--batch", "4", "--workers", "1", "--crop", "32", "--resize", "40",
                "--rank", "2", "--world", "3", "--shuffle"));
        assertEquals(1, Main.run("load", ds.toString(), "--rank", "3", "--world", "3"));
        // dataset -> single container -> dataset of another layout
        Path single = dir.resolve("single.bin");
        assertEquals(0, Main.run("convert", ds.toString(), single.toString(), "--format", "bin"));
        Path again = dir.resolve("again");
        assertEquals(0, Main.run("convert", single.toString(), again.toString(), "--format", "sqlite", "--shards", "3"));
        try (Container a = Containers.open(single); Container b = Containers.open(again)) {
            assertSameRecords(source, a);
            assertSameRecords(source, b);
            assertEquals(3, ((ShardedContainer) b).shardCount());
        }
        // An existing dataset is refused without --force.
        assertEquals(1, Main.run("pack", src.toString(), ds.toString(), "--format", "bin", "--shards", "2"));
        assertEquals(0, Main.run("pack", src.toString(), ds.toString(), "--format", "bin", "--shards", "2", "--force"));
        try (Container c = Containers.open(ds)) {
            assertEquals(Layout.BIN, c.layout());
        }
        assertEquals(1, Main.run("pack", src.toString(), dir.resolve("x").toString(), "--format", "bin", "--shards", "2",
                "--shard-size", "1MB"));
    }

    @Test
    void damagedOrHostileManifestsAndShardsAreNamed() throws IOException {
        photos(12);
        Path ds = dir.resolve("ds");
        ShardedPacker.pack(new SourceInput(photos(12)), ds, PackOptions.of(Layout.BIN), ShardPlan.ofShards(12, 3),
                PackListener.NONE);
        Path json = ds.resolve("dataset.json");
        String good = Files.readString(json);
        for (String[] bad : new String[][] {
                {"\"shard-00001.bin\"", "\"../shard-00001.bin\""},
                {"\"shard-00001.bin\"", "\"/etc/passwd\""},
                {"\"records\": 12", "\"records\": 13"},
                {"\"bale-dataset\"", "\"something-else\""},
                {"\"records\": 4", "\"records\": -4"}}) {
            String text = good.replaceFirst(java.util.regex.Pattern.quote(bad[0]), java.util.regex.Matcher.quoteReplacement(bad[1]));
            assertFalse(text.equals(good), "fixture replacement " + bad[0]);
            assertThrows(CorruptContainerException.class, () -> DatasetManifest.fromJson(text, "x"), bad[1]);
        }
        // A shard replaced by a symbolic link to something outside the folder.
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.move(ds.resolve("shard-00002.bin"), outside.resolve("shard-00002.bin"));
        Files.createSymbolicLink(ds.resolve("shard-00002.bin"), outside.resolve("shard-00002.bin"));
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Containers.open(ds));
        assertTrue(e.getMessage().contains("outside the dataset folder"), e.getMessage());
        Files.delete(ds.resolve("shard-00002.bin"));
        Files.move(outside.resolve("shard-00002.bin"), ds.resolve("shard-00002.bin"));
        // A truncated shard file is named before anything is read.
        try (RandomAccessFile f = new RandomAccessFile(ds.resolve("shard-00001.bin/data.bin").toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        e = assertThrows(CorruptContainerException.class, () -> Containers.open(ds));
        assertTrue(e.getMessage().contains("shard-00001.bin"), e.getMessage());
        Files.writeString(json, good.substring(0, good.length() / 2), StandardCharsets.UTF_8);
        assertThrows(CorruptContainerException.class, () -> Containers.open(ds));
    }
}
