package dev.bale.spark;

import dev.bale.dataset.DatasetManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Puts one shard, written in local temp space, under its final name in the dataset folder on any
 * Hadoop filesystem. The files are first uploaded under a name unique to this attempt
 * ({@code .bale-staging/shard-00003.bin.<uuid>/}), then each top-level part of the shard (the
 * {@code shard-00003.bin} folder; or {@code shard-00003.tfrecord} and its {@code .idx}) is renamed
 * into place. So a reader of the folder never sees a half-copied part, and a retried or speculative
 * attempt neither duplicates nor loses a record: shard names come from the range, and every attempt
 * writes the same bytes. A part already in place with the sizes this attempt wrote is such an
 * attempt's identical copy and is left alone (replacing it would change no byte, only open a moment
 * where the shard is missing); anything else under the name (a half-committed or foreign leftover)
 * is replaced, and of two attempts racing through that, the one that renames last wins.
 */
final class ShardCommitter {
    static final String STAGING = ".bale-staging";
    private static final int RENAME_TRIES = 5;

    private ShardCommitter() {
    }

    /** Uploads the shard described by {@code entry} from {@code localFolder} and commits it into {@code output}. */
    static void commit(java.nio.file.Path localFolder, DatasetManifest.Shard entry, int shard, Path output,
                       FileSystem fs, String attempt) throws IOException {
        Path staging = new Path(new Path(output, STAGING), entry.name() + "." + attempt + "-"
                + UUID.randomUUID().toString().substring(0, 8));
        try {
            for (DatasetManifest.ShardFile file : entry.files()) {
                fs.copyFromLocalFile(false, true, new Path(localFolder.resolve(file.name()).toUri()),
                        new Path(staging, file.name()));
            }
            FailureInjection.reached(shard, "staged");
            for (String part : parts(entry)) {
                place(fs, new Path(staging, part), new Path(output, part), part, entry);
            }
        } finally {
            fs.delete(staging, true);
        }
        if (!complete(fs, output, entry, null)) {
            throw new IOException(new Path(output, entry.path()) + ": shard files missing or of the wrong size after commit");
        }
    }

    /** The top-level names of a shard's files: what is renamed. */
    static Set<String> parts(DatasetManifest.Shard entry) {
        Set<String> parts = new LinkedHashSet<>();
        for (DatasetManifest.ShardFile file : entry.files()) {
            int slash = file.name().indexOf('/');
            parts.add(slash < 0 ? file.name() : file.name().substring(0, slash));
        }
        return parts;
    }

    private static void place(FileSystem fs, Path staged, Path target, String part, DatasetManifest.Shard entry)
            throws IOException {
        for (int attempt = 0; attempt < RENAME_TRIES; attempt++) {
            if (complete(fs, target.getParent(), entry, part)) {
                return;
            }
            fs.delete(target, true);
            if (fs.rename(staged, target)) {
                // A racing attempt may have put its copy in place between our delete and our rename:
                // some filesystems then move ours inside that folder. Its copy is as good as ours.
                Path nested = new Path(target, part);
                if (fs.exists(nested)) {
                    fs.delete(nested, true);
                }
                return;
            }
        }
        if (!complete(fs, target.getParent(), entry, part)) {
            throw new IOException(target + ": could not rename " + staged + " into place");
        }
    }

    /**
     * Whether the shard's files (those under {@code part} only, when not null) are in {@code folder}
     * with the sizes the entry gives.
     */
    static boolean complete(FileSystem fs, Path folder, DatasetManifest.Shard entry, String part) throws IOException {
        for (DatasetManifest.ShardFile file : entry.files()) {
            if (part != null && !(file.name().equals(part) || file.name().startsWith(part + "/"))) {
                continue;
            }
            try {
                FileStatus status = fs.getFileStatus(new Path(folder, file.name()));
                if (!status.isFile() || status.getLen() != file.bytes()) {
                    return false;
                }
            } catch (FileNotFoundException e) {
                return false;
            }
        }
        return true;
    }
}
