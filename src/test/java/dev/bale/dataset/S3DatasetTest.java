package dev.bale.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
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

    @BeforeAll
    static void upload() throws IOException {
        // The SDK's default chains read these system properties.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        System.setProperty("aws.region", "us-east-1");
        dev.bale.testing.Datasets.photos(dir.resolve("src"), 15);
        source = Source.folder(dir.resolve("src"));
        Path ds = dir.resolve("ds");
        ShardedPacker.pack(new SourceInput(source), ds, PackOptions.of(Layout.TFRECORD), ShardPlan.ofShards(15, 3),
                PackListener.NONE);
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
             Stream<Path> files = Files.walk(ds)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                s3.putObject(b -> b.bucket("bale").key("sets/ds/" + ds.relativize(file)), RequestBody.fromFile(file));
            }
        }
    }

    @AfterAll
    static void clear() {
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
