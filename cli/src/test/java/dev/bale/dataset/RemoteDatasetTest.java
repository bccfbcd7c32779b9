package dev.bale.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.cli.Main;
import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteDatasetTest {
    private static final int SHARDS = 4;

    @TempDir
    Path dir;
    private Source source;
    private Path served;
    private ShardServer server;
    private Path cache;

    @BeforeEach
    void serve() throws IOException {
        dev.bale.testing.Datasets.photos(dir.resolve("src"), 24);
        source = Source.folder(dir.resolve("src"));
        served = Files.createDirectory(dir.resolve("www"));
        ShardedPacker.pack(new SourceInput(source), served.resolve("ds"), PackOptions.of(Layout.BIN),
                ShardPlan.ofShards(source.size(), SHARDS), PackListener.NONE);
        server = new ShardServer(served);
        cache = dir.resolve("cache");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RemoteOptions options() {
        return RemoteOptions.fromEnvironment().withCache(cache, Long.MAX_VALUE).withAttempts(4, Duration.ofSeconds(10));
    }

    private String url() {
        return server.url("ds/dataset.json");
    }

    private void assertAllRecords(Container container) throws IOException {
        assertEquals(source.size(), container.size());
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < source.size(); i++) {
                ByteBuffer got = reader.read(i);
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(Files.readAllBytes(source.entries().get(i).file()), bytes, "record " + i);
                assertEquals(source.classId(i), container.classIds()[i]);
                assertEquals(source.entries().get(i).key(), reader.key(i));
            }
        }
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> list = Files.list(cache.resolve("shards"))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-") || n.contains(".evict-")).toList();
        }
    }

    @Test
    void readsOverHttpAndASecondRunDownloadsNothing() throws IOException {
        try (ShardedContainer dataset = Datasets.open(url(), options())) {
            assertEquals(0, dataset.cacheStats().downloads(), "shards are fetched when first read, not at open");
            assertAllRecords(dataset);
            assertEquals(SHARDS, dataset.cacheStats().downloads());
        }
        int shardRequests = server.requestsEndingWith("data.bin");
        assertEquals(SHARDS, shardRequests);
        server.resetCounts();
        try (ShardedContainer dataset = Datasets.open(url(), options())) {
            assertAllRecords(dataset);
            assertEquals(0, dataset.cacheStats().downloads());
            assertEquals(SHARDS, dataset.cacheStats().hits());
        }
        assertEquals(1, server.requests("ds/dataset.json"));
        assertEquals(0, server.requestsEndingWith(".bin") + server.requestsEndingWith(".tsv") + server.requestsEndingWith(".txt"));
    }

    @Test
    void everyCommandTakesAUrl() {
        System.setProperty("bale.cache", cache.toString());
        try {
            java.io.PrintStream stdout = System.out;
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            System.setOut(new java.io.PrintStream(printed, true));
            try {
                assertEquals(0, Main.run("inspect", url(), "--json"));
            } finally {
                System.setOut(stdout);
            }
            com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(printed.toString()).getAsJsonObject();
            int counted = 0;
            for (var c : json.getAsJsonArray("classes")) {
                counted += c.getAsJsonObject().get("records").getAsInt();
            }
            assertEquals(source.size(), counted, "class counts cover every shard: " + printed);
            assertEquals(0, Main.run("verify", url(), "--against", dir.resolve("src").toString(), "--decode"));
            Path other = dir.resolve("other-cache");
            assertEquals(0, Main.run("convert", url(), dir.resolve("copy.tfrecord").toString(), "--format", "tfrecord",
                    "--cache", other.toString(), "--cache-limit", "1GB"));
            assertTrue(Files.isDirectory(other.resolve("shards")), "--cache is where convert fetched the shards");
        } finally {
            System.clearProperty("bale.cache");
            System.clearProperty("bale.cache.limit");
        }
    }

    @Test
    void transientFaultsAreRetried() throws IOException {
        server.inject("ds/dataset.json", ShardServer.Fault.UNAVAILABLE);
        server.inject("ds/shard-00000.bin/data.bin", ShardServer.Fault.UNAVAILABLE, ShardServer.Fault.UNAVAILABLE);
        server.inject("ds/shard-00001.bin/data.bin", ShardServer.Fault.RESET_MID_BODY);
        server.inject("ds/shard-00002.bin/data.bin", ShardServer.Fault.SHORT_BODY);
        server.inject("ds/shard-00003.bin/data.bin", ShardServer.Fault.WRONG_BYTES);
        try (ShardedContainer dataset = Datasets.open(url(), options())) {
            assertAllRecords(dataset);
        }
        assertEquals(3, server.requests("ds/shard-00000.bin/data.bin"));
        assertEquals(2, server.requests("ds/shard-00001.bin/data.bin"));
        assertEquals(2, server.requests("ds/shard-00002.bin/data.bin"));
        assertEquals(2, server.requests("ds/shard-00003.bin/data.bin"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void lastingFaultsEndInAnErrorNamingShardAndUrl() throws IOException {
        server.always("ds/shard-00001.bin/index.bin", ShardServer.Fault.UNAVAILABLE);
        server.always("ds/shard-00002.bin/data.bin", ShardServer.Fault.WRONG_BYTES);
        try (ShardedContainer dataset = Datasets.open(url(), options()); RecordReader reader = dataset.newReader()) {
            reader.read(0);
            UncheckedIOException unavailable = assertThrows(UncheckedIOException.class, () -> reader.read(dataset.start(1)));
            assertTrue(unavailable.getMessage().contains("shard 1") && unavailable.getMessage().contains(server.url("ds/shard-00001.bin"))
                    && unavailable.getMessage().contains("HTTP 503"), unavailable.getMessage());
            CorruptContainerException damaged = assertThrows(CorruptContainerException.class, () -> reader.read(dataset.start(2)));
            assertTrue(damaged.getMessage().contains("shard 2") && damaged.getMessage().contains(server.url("ds/shard-00002.bin"))
                    && damaged.getMessage().contains("sha256"), damaged.getMessage());
            assertEquals(4, server.requests("ds/shard-00001.bin/index.bin"));
            reader.read(dataset.start(3)); // the others still read
        }
        assertEquals(List.of(), leftovers());
        try (Stream<Path> list = Files.list(cache.resolve("shards"))) {
            assertEquals(2, list.count(), "only the two good shards are in the cache");
        }
    }

    @Test
    void shardsOnAnotherHostNeedPermission() throws IOException {
        Path json = served.resolve("ds/dataset.json");
        String text = Files.readString(json).replace("\"shard-00001.bin\"", "\"http://localhost:1/shard-00001.bin\"");
        Files.writeString(json, text);
        CorruptContainerException e = assertThrows(CorruptContainerException.class, () -> Datasets.open(url(), options()));
        assertTrue(e.getMessage().contains("another host"), e.getMessage());
        Datasets.open(url(), options().withAllowOtherHosts(true)).close();
        Files.writeString(json, text.replace("\"http://localhost:1/shard-00001.bin\"", "\"shard-00001.bin/../../x\""));
        assertThrows(CorruptContainerException.class, () -> Datasets.open(url(), options()));
    }

    @Test
    void cacheLimitEvictsShardsNotInUse() throws IOException {
        long shardBytes = DatasetManifest.fromJson(Files.readString(served.resolve("ds/dataset.json")), "x").shards()
                .stream().mapToLong(DatasetManifest.Shard::bytes).max().orElseThrow();
        long limit = 2 * shardBytes + shardBytes / 2;
        RemoteOptions options = options().withCache(cache, limit);
        ShardCache probe = new ShardCache(cache, limit);
        for (int round = 0; round < 2; round++) {
            for (int s = 0; s < SHARDS; s++) {
                try (ShardedContainer dataset = Datasets.open(url(), options); RecordReader reader = dataset.newReader()) {
                    reader.read(dataset.start(s));
                }
                assertTrue(probe.bytes() <= limit, "cache holds " + probe.bytes() + " bytes, limit " + limit);
            }
        }
        // Shards in use are never evicted: all four open at once exceed the limit, and all four read.
        try (ShardedContainer dataset = Datasets.open(url(), options)) {
            assertAllRecords(dataset);
            assertTrue(probe.bytes() > limit);
        }
    }

    @Test
    void twoJvmsShareOneCacheAfterAThirdWasKilledMidDownload() throws Exception {
        server.bytesPerSecond = 40_000; // ~0.3 s a shard: long enough to kill a download half-way
        Process killed = client();
        Path shards = cache.resolve("shards");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!hasTemp(shards)) {
            assertTrue(System.nanoTime() < deadline, "the first client never started a download");
            assertTrue(killed.isAlive(), "the first client ended before it was killed");
            Thread.sleep(5);
        }
        killed.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup, its locks dropped by the kernel
        killed.waitFor();
        assertTrue(hasTemp(shards), "the killed client left a partial download behind");
        int completeBefore = complete(shards);
        server.resetCounts();
        Process a = client();
        Process b = client();
        for (Process p : List.of(a, b)) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a client did not finish");
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("read " + source.size() + " records"), out);
        }
        assertEquals(SHARDS - completeBefore, server.requestsEndingWith("data.bin"),
                "each shard the killed client had not finished downloaded once for both clients");
        assertEquals(List.of(), leftovers());
        try (ShardedContainer dataset = Datasets.open(url(), options())) {
            assertAllRecords(dataset);
            assertEquals(0, dataset.cacheStats().downloads());
        }
    }

    @Test
    void theLoaderFetchesShardsAheadOfItsWorkers() throws Exception {
        Path many = served.resolve("many");
        ShardedPacker.pack(new SourceInput(source), many, PackOptions.of(Layout.BIN), ShardPlan.ofShards(source.size(), 12),
                PackListener.NONE); // 2 records a shard
        try (ShardedContainer dataset = Datasets.open(server.url("many/dataset.json"), options());
             DataLoader loader = DataLoader.builder(dataset).batchSize(2).workers(1).prefetch(1)
                     .transform(Transform.eval(40, 32)).readAheadShards(3).build()) {
            for (Batch batch : loader.epoch(0)) {
                // The consumer holds batch 0, so the one ring slot keeps the workers at shard 0: only the
                // read-ahead can have fetched shards 1-3, and it stops 3 shards ahead.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!(dataset.isOpen(1) && dataset.isOpen(2) && dataset.isOpen(3))) {
                    assertTrue(System.nanoTime() < deadline, "shards 1-3 were not fetched ahead");
                    Thread.sleep(5);
                }
                Thread.sleep(100);
                assertFalse(dataset.isOpen(5), "read-ahead stays 3 shards ahead of the workers");
                assertEquals(0, batch.number());
                break;
            }
            int images = 0;
            for (Batch batch : loader.epoch(1)) {
                images += batch.size();
            }
            assertEquals(source.size(), images);
        }
    }

    @Test
    void oneProcessReadingMoreThanTheCacheLimitStaysWithinIt() throws Exception {
        Path many = served.resolve("many");
        ShardedPacker.pack(new SourceInput(source), many, PackOptions.of(Layout.BIN), ShardPlan.ofShards(source.size(), 12),
                PackListener.NONE); // 2 records a shard
        long shardBytes = DatasetManifest.fromJson(Files.readString(many.resolve("dataset.json")), "x").shards()
                .stream().mapToLong(DatasetManifest.Shard::bytes).max().orElseThrow();
        long limit = 3 * shardBytes; // the dataset is 4x the limit
        int workers = 2;
        int ahead = 2;
        ShardCache probe = new ShardCache(cache, limit);
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> got = new ArrayList<>();
        try (ShardedContainer local = Datasets.open(many.resolve("dataset.json").toString(), options())) {
            readAll(local, workers, ahead, expected);
        }
        try (ShardedContainer dataset = Datasets.open(server.url("many/dataset.json"), options().withCache(cache, limit))) {
            long[] worst = new long[2]; // bytes over the limit beyond the open shards; most shards open at once
            List<String> failures = new ArrayList<>();
            Thread watch = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    int openBefore = dataset.openShards();
                    long bytes;
                    try {
                        bytes = probe.bytes();
                    } catch (IOException | UncheckedIOException e) {
                        continue; // a shard moved while its folder was walked
                    }
                    int open = Math.max(openBefore, dataset.openShards());
                    worst[1] = Math.max(worst[1], open);
                    // In use: the open shards, and those the read-ahead is downloading (at most `ahead` + 1 more).
                    if (bytes > limit + (open + ahead + 1) * shardBytes) {
                        failures.add(bytes + " bytes cached with " + open + " shards open, limit " + limit);
                    }
                }
            });
            watch.start();
            try {
                readAll(dataset, workers, ahead, got);
            } finally {
                watch.interrupt();
                watch.join();
            }
            assertEquals(List.of(), failures);
            assertTrue(worst[1] <= workers + ahead + 3, worst[1] + " shards open at once: retired shards were kept");
            assertTrue(dataset.cacheStats().evictions() > 0, dataset.cacheStats().toString());
            assertTrue(probe.bytes() <= limit + dataset.openShards() * shardBytes);
        }
        assertTrue(probe.bytes() <= limit, "closed: the cache is trimmed to its limit, " + probe.bytes() + " bytes");
        assertEquals(expected.size(), got.size());
        for (int b = 0; b < expected.size(); b++) {
            assertArrayEquals(expected.get(b), got.get(b), "batch " + b + " (indices, labels, pixels) as from the local copy");
        }
        assertEquals(List.of(), leftovers());
    }

    /** Two epochs through a loader, shard-aware shuffle (one shard at a time): per batch its indices, labels and pixels as bytes. */
    private static void readAll(ShardedContainer dataset, int workers, int ahead, List<byte[]> out) {
        try (DataLoader loader = DataLoader.builder(dataset).batchSize(2).workers(workers).prefetch(2).shuffle(true)
                .distributed(0, 1).shuffleShards(1)
                .seed(7).transform(Transform.eval(40, 32)).readAheadShards(ahead).build()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    ByteBuffer pixels = batch.imageBuffer();
                    ByteBuffer all = ByteBuffer.allocate(batch.size() * 16 + pixels.remaining());
                    for (int i = 0; i < batch.size(); i++) {
                        all.putLong(batch.index(i)).putLong(batch.label(i));
                    }
                    all.put(pixels);
                    out.add(all.array());
                    pause(10); // a consumer's pace: the ring holds the workers 2 batches ahead of it, so shards
                    // open at once measure what the loader keeps, not how late the read-ahead thread was scheduled

                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int complete(Path shards) throws IOException {
        try (Stream<Path> list = Files.list(shards)) {
            return (int) list.map(p -> p.getFileName().toString())
                    .filter(n -> !n.contains(".tmp-") && !n.contains(".evict-")).count();
        }
    }

    private static boolean hasTemp(Path shards) throws IOException {
        if (!Files.isDirectory(shards)) {
            return false;
        }
        try (Stream<Path> list = Files.list(shards)) {
            return list.anyMatch(p -> p.getFileName().toString().contains(".tmp-"));
        }
    }

    private Process client() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CacheClient.class.getName(), url(), cache.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
