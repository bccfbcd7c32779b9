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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --no-cache}: records of a remote bin dataset by HTTP Range requests, each checked against its CRC-32C. */
class RangeReadTest {
    private static final int SHARDS = 3;

    @TempDir
    Path dir;
    private Source source;
    private Path served;
    private ShardServer server;
    private Path cache;

    @BeforeEach
    void serve() throws IOException {
        dev.bale.testing.Datasets.photos(dir.resolve("src"), 18);
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
        return RemoteOptions.fromEnvironment().withCache(cache, Long.MAX_VALUE).withAttempts(4, Duration.ofSeconds(10))
                .withNoCache(true);
    }

    private String url() {
        return server.url("ds/dataset.json");
    }

    private String data(int shard) {
        return String.format("ds/shard-%05d.bin/data.bin", shard);
    }

    private void assertAllRecords(Container container) throws IOException {
        assertEquals(source.size(), container.size());
        try (RecordReader reader = container.newReader()) {
            for (int i = 0; i < source.size(); i++) {
                ByteBuffer got = reader.read(i);
                assertTrue(got.isDirect(), "the decoder reads direct buffers");
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(Files.readAllBytes(source.entries().get(i).file()), bytes, "record " + i);
                assertEquals(source.classId(i), container.classIds()[i]);
                assertEquals(source.entries().get(i).key(), reader.key(i));
            }
        }
    }

    @Test
    void recordsComeByRangeRequestsAndNothingIsCached() throws IOException {
        try (ShardedContainer dataset = Datasets.open(url(), options())) {
            assertTrue(dataset.rangeReads());
            assertAllRecords(dataset);
        }
        assertEquals(source.size(), server.requestsEndingWith("data.bin"), "one ranged request a record");
        for (int s = 0; s < SHARDS; s++) {
            assertEquals(1, server.requests(String.format("ds/shard-%05d.bin/index.bin", s)), "the index once a shard");
        }
        assertFalse(Files.exists(cache.resolve("shards")), "nothing cached");
    }

    @Test
    void theLoaderReadsAheadAndDeliversWhatTheCacheWould() throws IOException {
        server.latencyMillis = 5;
        List<byte[]> cached = batches(Datasets.open(url(), options().withNoCache(false)));
        server.resetCounts();
        List<byte[]> ranged = batches(Datasets.open(url(), options()));
        assertEquals(cached.size(), ranged.size());
        for (int b = 0; b < cached.size(); b++) {
            assertArrayEquals(cached.get(b), ranged.get(b), "batch " + b);
        }
        // One request a record; at an epoch boundary the old epoch's read-ahead may retire a shard the new one
        // has just requested records of, which costs those requests again (never a wrong record).
        int requests = server.requestsEndingWith("data.bin");
        assertTrue(requests >= 2 * source.size() && requests <= 2 * source.size() + 4, requests + " requests");
    }

    private static List<byte[]> batches(ShardedContainer dataset) {
        List<byte[]> out = new ArrayList<>();
        try (dataset; DataLoader loader = DataLoader.builder(dataset).batchSize(4).workers(2).shuffle(true).seed(3)
                .distributed(0, 1).transform(Transform.eval(40, 32)).build()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    ByteBuffer pixels = batch.imageBuffer();
                    ByteBuffer all = ByteBuffer.allocate(batch.size() * 16 + pixels.remaining());
                    for (int i = 0; i < batch.size(); i++) {
                        all.putLong(batch.index(i)).putLong(batch.label(i));
                    }
                    out.add(all.put(pixels).array());
                }
            }
        }
        return out;
    }

    @Test
    void transientFaultsAreRetried() throws IOException {
        for (int s = 0; s < SHARDS; s++) {
            server.inject(data(s), ShardServer.Fault.UNAVAILABLE, ShardServer.Fault.RESET_MID_BODY,
                    ShardServer.Fault.SHORT_BODY, ShardServer.Fault.WRONG_BYTES);
        }
        server.inject(String.format("ds/shard-%05d.bin/index.bin", 1), ShardServer.Fault.UNAVAILABLE, ShardServer.Fault.SHORT_BODY);
        try (ShardedContainer dataset = Datasets.open(url(), options().withAttempts(5, Duration.ofSeconds(10)))) {
            assertAllRecords(dataset);
        }
        assertEquals(source.size() + 4 * SHARDS, server.requestsEndingWith("data.bin"), "each fault cost one more request");
    }

    @Test
    void lastingFaultsEndInAnErrorNamingShardRecordAndUrl() throws IOException {
        try (ShardedContainer dataset = Datasets.open(url(), options()); RecordReader reader = dataset.newReader()) {
            int first = dataset.start(1);
            server.always(data(1), ShardServer.Fault.WRONG_BYTES);
            CorruptContainerException wrong = assertThrows(CorruptContainerException.class, () -> reader.read(first));
            String message = wrong.getMessage();
            assertTrue(message.contains("shard 1") && message.contains("record 0") && message.contains(server.url(data(1)))
                    && message.contains("CRC-32C") && message.contains("4 tries"), message);

            server.always(data(1), ShardServer.Fault.UNAVAILABLE);
            UncheckedIOException unavailable = assertThrows(UncheckedIOException.class, () -> reader.read(first + 1));
            message = unavailable.getMessage();
            assertTrue(message.contains("shard 1") && message.contains("record 1") && message.contains(server.url(data(1)))
                    && message.contains("HTTP 503"), message);
            // Shard 0 is unaffected, and shard 1 reads again once the server recovers.
            assertEquals(source.entries().get(0).file().toFile().length(), reader.read(0).remaining());
            server.always(data(1), null);
            assertEquals(source.entries().get(first).file().toFile().length(), reader.read(first).remaining());
        }
    }

    @Test
    void otherLayoutsAreRefusedWithTheReason() throws IOException {
        ShardedPacker.pack(new SourceInput(source), served.resolve("lmdb"), PackOptions.of(Layout.LMDB),
                ShardPlan.ofShards(source.size(), 2), PackListener.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.open(server.url("lmdb/dataset.json"), options()));
        assertTrue(e.getMessage().contains("bin") && e.getMessage().contains("lmdb") && e.getMessage().contains("--no-cache"),
                e.getMessage());
    }

    @Test
    void loadTakesNoCache() {
        try {
            assertEquals(0, Main.run("load", url(), "--no-cache", "--cache", cache.toString()));
        } finally {
            System.clearProperty("bale.noCache");
            System.clearProperty("bale.cache");
        }
        assertFalse(Files.exists(cache.resolve("shards")), "nothing cached");
        assertTrue(server.requestsEndingWith("data.bin") >= source.size());
    }
}
