package dev.bale.dataset;

import dev.bale.container.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of one shard on disk, in the order its SHA-256 covers them: every regular file that
 * makes up the shard's container, named relative to the shard's folder ("shard-00000.bin/data.bin",
 * "shard-00003.tfrecord.idx"), sorted by those names as UTF-8 bytes.
 */
public final class ShardFiles {
    private ShardFiles() {
    }

    /** The files of the shard whose main path is {@code main}, sorted. Symbolic links are refused. */
    public static List<DatasetManifest.ShardFile> list(Layout layout, Path main) throws IOException {
        Path folder = main.getParent();
        List<DatasetManifest.ShardFile> files = new ArrayList<>();
        for (Path part : layout.files(main)) {
            if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(part)) {
                for (Path file : walk.toList()) {
                    if (Files.isSymbolicLink(file)) {
                        throw new IOException(file + ": a shard may not contain symbolic links");
                    }
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                        String name = folder.relativize(file).toString().replace('\\', '/');
                        files.add(new DatasetManifest.ShardFile(name, Files.size(file)));
                    }
                }
            }
        }
        files.sort((a, b) -> compareNames(a.name(), b.name()));
        return files;
    }

    /** SHA-256 (hex) over the files' bytes in the given order, read from {@code folder}. */
    public static String sha256(Path folder, List<DatasetManifest.ShardFile> files) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (DatasetManifest.ShardFile file : files) {
            try (InputStream in = Files.newInputStream(folder.resolve(file.name()), LinkOption.NOFOLLOW_LINKS)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Names compared as UTF-8 byte strings (unsigned), the order every implementation can reproduce. */
    public static int compareNames(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The shard's entry for dataset.json, from its files on disk. */
    public static DatasetManifest.Shard describe(Layout layout, Path main, long records) throws IOException {
        List<DatasetManifest.ShardFile> files = list(layout, main);
        long bytes = files.stream().mapToLong(DatasetManifest.ShardFile::bytes).sum();
        return new DatasetManifest.Shard(main.getFileName().toString(), records, bytes,
                sha256(main.getParent(), files), files);
    }
}
