package dev.bale.spark;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.dataset.DatasetManifest;
import dev.bale.dataset.ShardChecks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Opens one shard of a dataset with Bale's own readers, with the checks Bale makes when it opens a
 * dataset ({@link ShardChecks}): a local shard's files must stay inside the dataset folder and have
 * the sizes dataset.json gives; a shard on another filesystem (HDFS, S3A) is copied to local temp
 * space and its SHA-256 must match; then the shard's own manifest must agree (layout, record count,
 * class list, class ids in range). Every record's checksum is then checked on every read.
 */
final class ShardOpener {
    private ShardOpener() {
    }

    /** The open shard and the temp folder to delete when done with it (null for a local shard). */
    record Opened(Container container, java.nio.file.Path temp) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            container.close();
            if (temp != null) {
                ShardWriter.deleteTree(temp);
            }
        }
    }

    static Opened open(DatasetLocation dataset, int s, HadoopConf conf) throws IOException {
        DatasetManifest.Shard entry = dataset.manifest().shards().get(s);
        if (entry.path().contains("://")) {
            throw new IOException(dataset.json() + ": shard " + s + " is a URL (" + entry.path()
                    + "); the Spark reader reads shards beside dataset.json");
        }
        FileSystem fs = conf.fileSystem(dataset.json());
        java.nio.file.Path main;
        java.nio.file.Path temp = null;
        if ("file".equals(fs.getUri().getScheme())) {
            main = local(dataset, s, entry);
        } else {
            temp = Files.createTempDirectory(ShardWriter.scratch(), "bale-read-" + s + "-");
            try {
                main = fetch(fs, dataset, s, entry, temp);
            } catch (IOException | RuntimeException e) {
                ShardWriter.deleteTree(temp);
                throw e;
            }
        }
        Container open = null;
        try {
            open = Containers.open(main);
            ShardChecks.agrees(dataset.manifest(), s, open, where(dataset, s));
            return new Opened(open, temp);
        } catch (IOException | RuntimeException e) {
            if (open != null) {
                open.close();
            }
            if (temp != null) {
                ShardWriter.deleteTree(temp);
            }
            if (e instanceof CorruptContainerException c) {
                throw c;
            }
            throw new CorruptContainerException(where(dataset, s) + " does not open: " + e.getMessage(), e);
        }
    }

    private static String where(DatasetLocation dataset, int s) {
        return new Path(dataset.folder(), dataset.manifest().shards().get(s).path()) + ": shard " + s;
    }

    private static java.nio.file.Path local(DatasetLocation dataset, int s, DatasetManifest.Shard entry) throws IOException {
        java.nio.file.Path folder = java.nio.file.Path.of(dataset.folder().toUri());
        return ShardChecks.local(folder, folder.toRealPath(), entry, s);
    }

    /** Copies the shard's files into {@code temp}, checking each size and the shard's SHA-256. */
    private static java.nio.file.Path fetch(FileSystem fs, DatasetLocation dataset, int s, DatasetManifest.Shard entry,
                                            java.nio.file.Path temp) throws IOException {
        Path remoteParent = new Path(dataset.folder(), entry.path()).getParent();
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        java.nio.file.Path localParent = temp.resolve(entry.path()).getParent();
        for (DatasetManifest.ShardFile file : entry.files()) {
            java.nio.file.Path target = localParent.resolve(file.name()).normalize();
            if (!target.startsWith(temp)) {
                throw new CorruptContainerException(where(dataset, s) + ": file " + file.name() + " leaves the shard's folder");
            }
            Files.createDirectories(target.getParent());
            long copied = 0;
            try (InputStream in = fs.open(new Path(remoteParent, file.name()));
                 OutputStream out = Files.newOutputStream(target)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    copied += n;
                    if (copied > file.bytes()) {
                        break;
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (copied != file.bytes()) {
                throw new CorruptContainerException(new Path(remoteParent, file.name()) + ": shard " + s + " file has "
                        + (copied > file.bytes() ? "more than " + file.bytes() : copied) + " bytes, dataset.json says " + file.bytes());
            }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        if (!sha.equals(entry.sha256())) {
            throw new CorruptContainerException(where(dataset, s) + ": SHA-256 " + sha + " does not match dataset.json's " + entry.sha256());
        }
        return temp.resolve(entry.path());
    }
}
