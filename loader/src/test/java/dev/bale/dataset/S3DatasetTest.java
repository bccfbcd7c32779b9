package dev.bale.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.source.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** s3:// datasets against S3Mock started in this JVM (path-style, plain http), credentials from the standard chain. */
class S3DatasetTest {
    static {
        // Bale's classpath has slf4j 1.7 (no binding); Spring Boot inside S3Mock must not insist on Logback.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    @RegisterExtension
    static final S3MockExtension S3 = S3MockExtension.builder().silent().withSecureConnection(false)
            .withInitialBuckets("bale").build();

    @TempDir
    static Path dir;
    static Source source;
    static FaultyProxy proxy;

    @BeforeAll
    static void upload() throws IOException {
        // The SDK's default chains read these system properties.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        System.setProperty("aws.region", "us-east-1");
        dev.bale.testing.Datasets.photos(dir.resolve("src"), 15);
        source = Source.folder(dir.resolve("src"));
        upload(Layout.TFRECORD, "ds");
        upload(Layout.BIN, "bin");
        proxy = new FaultyProxy(URI.create(endpoint()));
    }

    private static void upload(Layout layout, String name) throws IOException {
        Path ds = dir.resolve(name);
        ShardedPacker.pack(new SourceInput(source), ds, PackOptions.of(layout), ShardPlan.ofShards(15, 3),
                PackListener.NONE);
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
             Stream<Path> files = Files.walk(ds)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                s3.putObject(b -> b.bucket("bale").key("sets/" + name + "/" + ds.relativize(file)), RequestBody.fromFile(file));
            }
        }
    }

    @AfterAll
    static void clear() {
        proxy.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.region");
    }

    static String endpoint() {
        return "http://localhost:" + S3.getHttpPort();
    }

    private RemoteOptions options(Path cache) {
        return RemoteOptions.fromEnvironment().withCache(cache, Long.MAX_VALUE).withS3Endpoint(endpoint())
                .withAttempts(2, Duration.ofSeconds(10));
    }

    @Test
    void readsAnS3DatasetThroughTheCache() throws IOException {
        Path cache = dir.resolve("cache");
        for (int run = 0; run < 2; run++) {
            try (ShardedContainer dataset = Datasets.open("s3://bale/sets/ds/dataset.json", options(cache));
                 RecordReader reader = dataset.newReader()) {
                for (int i = 0; i < source.size(); i++) {
                    ByteBuffer got = reader.read(i);
                    byte[] bytes = new byte[got.remaining()];
                    got.get(bytes);
                    assertArrayEquals(Files.readAllBytes(source.entries().get(i).file()), bytes, "record " + i);
                    assertEquals(source.classId(i), dataset.classIds()[i]);
                }
                assertEquals(run == 0 ? 3 : 0, dataset.cacheStats().downloads(), "run " + run);
            }
        }
    }

    /** Through the faulty proxy in front of S3Mock. */
    private RemoteOptions proxied(Path cache, int attempts) {
        return RemoteOptions.fromEnvironment().withCache(cache, Long.MAX_VALUE).withS3Endpoint(proxy.url())
                .withAttempts(attempts, Duration.ofSeconds(10));
    }

    private static void assertAllRecords(ShardedContainer dataset) throws IOException {
        try (RecordReader reader = dataset.newReader()) {
            for (int i = 0; i < source.size(); i++) {
                ByteBuffer got = reader.read(i);
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(Files.readAllBytes(source.entries().get(i).file()), bytes, "record " + i);
                assertEquals(source.classId(i), dataset.classIds()[i]);
            }
        }
    }

    /** Every complete shard in the cache matches its sha256 in dataset.json, and nothing half-written is left. */
    private static void assertCacheSound(Path cache, ShardedContainer dataset) throws IOException {
        try (Stream<Path> entries = Files.list(cache.resolve("shards"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                assertTrue(!name.contains(".tmp-") && !name.contains(".evict-"), "leftover " + name);
                DatasetManifest.Shard shard = dataset.dataset().shards().stream()
                        .filter(s -> RemoteShards.key(s).equals(name)).findFirst().orElseThrow();
                assertEquals(shard.sha256(), ShardFiles.sha256(entry, shard.files()), name);
            }
        }
    }

    @Test
    void faultsBetweenTheSdkAndS3AreRetried() throws IOException {
        String shard = "/bale/sets/ds/shard-00001.tfrecord";
        proxy.inject(shard, FaultyProxy.Fault.UNAVAILABLE, FaultyProxy.Fault.RESET_MID_BODY, FaultyProxy.Fault.WRONG_BYTES);
        proxy.inject("/bale/sets/ds/dataset.json", FaultyProxy.Fault.UNAVAILABLE, FaultyProxy.Fault.RESET_MID_BODY);
        Path cache = dir.resolve("faulty-cache");
        try (ShardedContainer dataset = Datasets.open("s3://bale/sets/ds/dataset.json", proxied(cache, 4))) {
            assertAllRecords(dataset);
            assertEquals(3, dataset.cacheStats().downloads());
            assertCacheSound(cache, dataset);
        }
        // 503, reset, then the wrong bytes' download fails its sha256 and the shard is fetched once more.
        assertEquals(4, proxy.requests(shard));
    }

    @Test
    void lastingFaultsEndInAnErrorAndNoCacheEntry() throws IOException {
        String shard = "/bale/sets/ds/shard-00002.tfrecord";
        Path cache = dir.resolve("lasting-cache");
        try (ShardedContainer dataset = Datasets.open("s3://bale/sets/ds/dataset.json", proxied(cache, 3))) {
            proxy.always(shard, FaultyProxy.Fault.WRONG_BYTES);
            CorruptContainerException wrong = assertThrows(CorruptContainerException.class, () -> dataset.shard(2));
            assertTrue(wrong.getMessage().contains("shard 2") && wrong.getMessage().contains("s3://bale/sets/ds/shard-00002.tfrecord")
                    && wrong.getMessage().contains("sha256"), wrong.getMessage());
            proxy.always(shard, FaultyProxy.Fault.RESET_MID_BODY);
            UncheckedIOException reset = assertThrows(UncheckedIOException.class, () -> dataset.shard(2));
            assertTrue(reset.getMessage().contains("s3://bale/sets/ds/shard-00002.tfrecord") && reset.getMessage().contains("3 tries"),
                    reset.getMessage());
            proxy.always(shard, FaultyProxy.Fault.UNAVAILABLE);
            UncheckedIOException unavailable = assertThrows(UncheckedIOException.class, () -> dataset.shard(2));
            assertTrue(unavailable.getMessage().contains("s3://bale/sets/ds/shard-00002.tfrecord")
                    && unavailable.getMessage().contains("503"), unavailable.getMessage());
            dataset.shard(0);
            assertCacheSound(cache, dataset);
            proxy.always(shard, null);
            assertAllRecords(dataset); // the server recovered
            assertCacheSound(cache, dataset);
        } finally {
            proxy.always(shard, null);
        }
    }

    @Test
    void noCacheReadsRecordsByRangedGetsThroughFaults() throws IOException {
        String data = "/bale/sets/bin/shard-00000.bin/data.bin";
        proxy.inject(data, FaultyProxy.Fault.UNAVAILABLE, FaultyProxy.Fault.RESET_MID_BODY, FaultyProxy.Fault.WRONG_BYTES);
        Path cache = dir.resolve("unused-cache");
        try (ShardedContainer dataset = Datasets.open("s3://bale/sets/bin/dataset.json", proxied(cache, 4).withNoCache(true))) {
            assertAllRecords(dataset);
            int first = dataset.start(1);
            proxy.always("/bale/sets/bin/shard-00001.bin/data.bin", FaultyProxy.Fault.WRONG_BYTES);
            try (RecordReader reader = dataset.newReader()) {
                CorruptContainerException wrong = assertThrows(CorruptContainerException.class, () -> reader.read(first));
                assertTrue(wrong.getMessage().contains("shard 1") && wrong.getMessage().contains("CRC-32C")
                        && wrong.getMessage().contains("s3://bale/sets/bin/shard-00001.bin"), wrong.getMessage());
            }
        } finally {
            proxy.always("/bale/sets/bin/shard-00001.bin/data.bin", null);
        }
        assertEquals(5 + 3, proxy.requests(data), "one ranged GET for each of shard 0's 5 records, plus 3 retries");
        assertTrue(!Files.exists(cache.resolve("shards")), "nothing cached");
    }

    @Test
    void aMissingObjectIsNamed() throws IOException {
        try (ShardedContainer dataset = Datasets.open("s3://bale/sets/ds/dataset.json", options(dir.resolve("cache2")))) {
            assertThrows(IOException.class, () -> Datasets.open("s3://bale/sets/none/dataset.json", options(dir.resolve("c3"))));
            dataset.shard(0);
        }
        // A dataset.json that names a shard the bucket does not hold.
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            String json = s3.getObjectAsBytes(b -> b.bucket("bale").key("sets/ds/dataset.json")).asUtf8String();
            s3.putObject(b -> b.bucket("bale").key("sets/bad/dataset.json"), RequestBody.fromString(json));
        }
        try (ShardedContainer dataset = Datasets.open("s3://bale/sets/bad/dataset.json", options(dir.resolve("cache4")))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> dataset.shard(1));
            assertTrue(e.getMessage().contains("s3://bale/sets/bad/shard-00001.tfrecord") && e.getMessage().contains("404"),
                    e.getMessage());
        }
    }
}
