package dev.bale.spark;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files seen as another filesystem ("otherfs:///tmp/..."), so that tests take the paths a job
 * takes on HDFS or S3A: listing a tree in one call, shards fetched and their SHA-256 checked before
 * they are opened, and a rename that, as on HDFS, refuses to replace what exists.
 */
public final class OtherFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "otherfs";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        if (exists(dst) && !getFileStatus(dst).isDirectory()) {
            return false;
        }
        return super.rename(src, dst);
    }

    /** Statuses without the local filesystem's lazily loaded permissions (which need a file: URI). */
    @Override
    public FileStatus[] listStatus(Path folder) throws IOException {
        FileStatus[] raw = super.listStatus(folder);
        FileStatus[] plain = new FileStatus[raw.length];
        for (int i = 0; i < raw.length; i++) {
            plain[i] = plain(raw[i]);
        }
        return plain;
    }

    @Override
    public FileStatus getFileStatus(Path path) throws IOException {
        return plain(super.getFileStatus(path));
    }

    private static FileStatus plain(FileStatus s) {
        return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(), s.getPath());
    }

    static String of(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath();
    }
}
