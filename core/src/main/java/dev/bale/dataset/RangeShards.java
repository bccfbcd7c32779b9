package dev.bale.dataset;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Shards read record by record with ranged requests, nothing cached ({@code --no-cache}), for
 * datasets larger than the local disk. Only bin shards qualify: their index gives every record's
 * offset, length and CRC-32C, so one small request per shard (the index) makes every record
 * addressable and checkable. The other layouts have no such index outside their data (LMDB's
 * B-tree, SQLite's pages, TFRecord's sequential frames) and are refused with that reason.
 *
 * <p>Records the loader will read next are requested ahead ({@link #IN_FLIGHT} at once), so the
 * request latency overlaps with decoding.
 */
final class RangeShards implements ShardStore {
    /** Record requests in flight at once, across the dataset's shards. */
    static final int IN_FLIGHT = 32;

    private final DatasetManifest manifest;
    private final URI[] shardUris;
    private final Fetcher fetcher;
    private final ExecutorService requests = Executors.newFixedThreadPool(IN_FLIGHT, r -> {
        Thread thread = new Thread(r, "bale-range-read");
        thread.setDaemon(true);
        return thread;
    });

    RangeShards(DatasetManifest manifest, URI[] shardUris, Fetcher fetcher) {
        if (manifest.layoutValue() != Layout.BIN) {
            throw new IllegalArgumentException("--no-cache reads records by ranged requests, which needs bin shards "
                    + "(their index gives each record's offset, length and CRC-32C); this dataset's shards are "
                    + manifest.layoutValue().id() + ": read it through the cache, or convert it to bin");
        }
        this.manifest = manifest;
        this.shardUris = shardUris;
        this.fetcher = fetcher;
    }

    /** Shard {@code s} as a container whose records are fetched when read (its index fetched now). */
    Container open(int s) throws IOException {
        return RangeBinShard.open(s, manifest.shards().get(s), shardUris[s], fetcher, requests);
    }

    @Override
    public Path acquire(int shard) {
        throw new UnsupportedOperationException("--no-cache: shards are not downloaded");
    }

    @Override
    public void release(int shard) {
        // Nothing is pinned.
    }

    @Override
    public String describe(int shard) {
        return shardUris[shard].toString();
    }

    @Override
    public boolean local() {
        return false;
    }

    @Override
    public void close() {
        requests.shutdownNow();
        fetcher.close();
    }

    static CorruptContainerException corrupt(int s, URI uri, String what) {
        return new CorruptContainerException("shard " + s + " (" + uri + "): " + what);
    }
}
