package dev.bale.dataset;

import dev.bale.container.CorruptContainerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shards behind URLs, fetched whole into the {@link ShardCache}. A download whose sha256 does not
 * match is tried once more (bytes damaged in flight), then reported with the shard and its URL.
 */
final class RemoteShards implements ShardStore {
    private static final int CHECKSUM_TRIES = 2;

    private final DatasetManifest manifest;
    private final URI[] shardUris;
    private final Fetcher fetcher;
    private final ShardCache cache;
    private final ExecutorService files = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "bale-shard-file");
        thread.setDaemon(true);
        return thread;
    });

    RemoteShards(DatasetManifest manifest, URI[] shardUris, Fetcher fetcher, ShardCache cache) {
        this.manifest = manifest;
        this.shardUris = shardUris;
        this.fetcher = fetcher;
        this.cache = cache;
    }

    static String key(DatasetManifest.Shard shard) {
        return shard.sha256() + "-" + shard.name();
    }

    @Override
    public Path acquire(int shard) throws IOException {
        DatasetManifest.Shard entry = manifest.shards().get(shard);
        URI folder = shardUris[shard].resolve(".");
        for (int k = 1; ; k++) {
            try {
                Path local = cache.acquire(key(entry), entry, into -> downloadFiles(shard, entry, folder, into));
                return local.resolve(entry.name());
            } catch (CorruptContainerException e) {
                if (k >= CHECKSUM_TRIES) {
                    throw new CorruptContainerException("shard " + shard + " (" + describe(shard) + "): " + e.getMessage(), e);
                }
            } catch (IOException e) {
                throw new IOException("shard " + shard + " (" + describe(shard) + "): " + e.getMessage(), e);
            }
        }
    }

    /** A shard's files, downloaded at once (a folder layout has several; their latencies overlap). */
    private void downloadFiles(int shard, DatasetManifest.Shard entry, URI folder, Path into) throws IOException {
        List<Future<?>> downloads = new ArrayList<>();
        try {
            for (DatasetManifest.ShardFile file : entry.files()) {
                Path target = into.resolve(file.name()).normalize();
                if (!target.startsWith(into)) {
                    throw new CorruptContainerException(describe(shard) + ": file " + file.name() + " escapes the cache");
                }
                Files.createDirectories(target.getParent());
                downloads.add(files.submit(() -> {
                    fetcher.download(folder.resolve(file.name()), target, file.bytes());
                    return null;
                }));
            }
            for (Future<?> download : downloads) {
                download.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading shard " + shard);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        } finally {
            downloads.forEach(d -> d.cancel(true));
        }
    }

    @Override
    public void release(int shard) {
        cache.release(key(manifest.shards().get(shard)));
    }

    @Override
    public String describe(int shard) {
        return shardUris[shard].toString();
    }

    @Override
    public boolean local() {
        return false;
    }

    ShardCache cache() {
        return cache;
    }

    @Override
    public void close() {
        files.shutdownNow();
        fetcher.close();
    }
}
