package dev.bale.dataset;

import dev.bale.container.RecordReader;
import java.nio.file.Path;
import java.time.Duration;

/** A separate JVM reading a remote dataset through a cache folder: what several ranks on one machine do. */
public final class CacheClient {
    private CacheClient() {
    }

    /** Args: URL, cache folder. Prints "read N records" and exits 0 when every record was read. */
    public static void main(String[] args) throws Exception {
        RemoteOptions options = RemoteOptions.fromEnvironment().withCache(Path.of(args[1]), Long.MAX_VALUE)
                .withAttempts(5, Duration.ofSeconds(20));
        try (ShardedContainer dataset = Datasets.open(args[0], options); RecordReader reader = dataset.newReader()) {
            long bytes = 0;
            for (int i = 0; i < dataset.size(); i++) {
                bytes += reader.read(i).remaining();
            }
            System.out.println("read " + dataset.size() + " records, " + bytes + " bytes; " + dataset.cacheStats());
        }
    }
}
