package dev.bale.dataset;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Shards in the dataset's own folder. A shard path must stay inside that folder once symbolic
 * links are resolved, and every file must have the size dataset.json gives (a truncated or
 * replaced shard is named before it is opened; records' own checksums catch bit flips).
 */
final class LocalShards implements ShardStore {
    private final Path folder;
    private final Path realFolder;
    private final DatasetManifest manifest;

    LocalShards(Path folder, DatasetManifest manifest) throws IOException {
        this.folder = folder;
        this.realFolder = folder.toRealPath();
        this.manifest = manifest;
    }

    @Override
    public Path acquire(int shard) throws IOException {
        DatasetManifest.Shard entry = manifest.shards().get(shard);
        if (entry.path().contains("://")) {
            throw new IOException(describe(shard) + ": a local dataset cannot name a remote shard");
        }
        return ShardChecks.local(folder, realFolder, entry, shard);
    }

    @Override
    public void release(int shard) {
        // Nothing to unpin: local shards are never evicted.
    }

    @Override
    public String describe(int shard) {
        return folder.resolve(manifest.shards().get(shard).path()).toString();
    }

    @Override
    public boolean local() {
        return true;
    }

    @Override
    public void close() {
    }
}
