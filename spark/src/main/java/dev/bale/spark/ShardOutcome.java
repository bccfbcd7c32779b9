package dev.bale.spark;

import dev.bale.dataset.DatasetManifest;
import dev.bale.pack.BadRecordException;
import dev.bale.pack.ShardedPacker;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** What a task reports for its shard: the dataset.json entry, the records it skipped, the bytes it packed. */
final class ShardOutcome implements Serializable {
    private static final long serialVersionUID = 1L;
    final int shard;
    final String path;
    final long records;
    final long bytes;
    final String sha256;
    final String[] fileNames;
    final long[] fileBytes;
    final ArrayList<BadRecordException> skipped;
    final long inputBytes;

    ShardOutcome(int shard, ShardedPacker.ShardResult result) {
        DatasetManifest.Shard entry = result.entry();
        this.shard = shard;
        this.path = entry.path();
        this.records = entry.records();
        this.bytes = entry.bytes();
        this.sha256 = entry.sha256();
        this.fileNames = entry.files().stream().map(DatasetManifest.ShardFile::name).toArray(String[]::new);
        this.fileBytes = entry.files().stream().mapToLong(DatasetManifest.ShardFile::bytes).toArray();
        this.skipped = new ArrayList<>(result.skipped());
        this.inputBytes = result.inputBytes();
    }

    DatasetManifest.Shard entry() {
        List<DatasetManifest.ShardFile> files = new ArrayList<>();
        for (int i = 0; i < fileNames.length; i++) {
            files.add(new DatasetManifest.ShardFile(fileNames[i], fileBytes[i]));
        }
        return new DatasetManifest.Shard(path, records, bytes, sha256, files);
    }

    ShardedPacker.ShardResult result() {
        return new ShardedPacker.ShardResult(entry(), List.copyOf(skipped), inputBytes);
    }
}
