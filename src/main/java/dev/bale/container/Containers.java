package dev.bale.container;

import dev.bale.container.bin.BinContainer;
import dev.bale.container.bin.BinWriter;
import dev.bale.container.lmdb.LmdbContainer;
import dev.bale.container.lmdb.LmdbWriter;
import dev.bale.container.sqlite.SqliteContainer;
import dev.bale.container.sqlite.SqliteWriter;
import dev.bale.container.tfrecord.TfRecordContainer;
import dev.bale.container.tfrecord.TfRecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Opens containers by sniffing their layout, and creates writers. */
public final class Containers {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private Containers() {
    }

    /**
     * Creates a writer for a new container at {@code path}, which must not exist yet.
     *
     * @param classes     class names, index = class id
     * @param sizeHint    expected total bytes of the records (sizes LMDB's map; 0 if unknown)
     */
    public static ContainerWriter create(Layout layout, Path path, List<String> classes, long sizeHint)
            throws IOException {
        return switch (layout) {
            case BIN -> new BinWriter(path, classes);
            case LMDB -> new LmdbWriter(path, classes, sizeHint);
            case SQLITE -> new SqliteWriter(path, classes);
            case TFRECORD -> new TfRecordWriter(path, classes);
        };
    }

    /**
     * Opens a container of any layout. A Bale container written before Bale checksummed its
     * metadata is refused ({@link UnchecksummedContainerException}): nothing vouches for its labels.
     */
    public static Container open(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens a container of any layout; with {@code acceptUnchecksummed}, also one whose metadata
     * has no checksums (for inspect, verify, and a deliberate convert that rewrites it with them).
     */
    public static Container open(Path path, boolean acceptUnchecksummed) throws IOException {
        return switch (sniff(path)) {
            case BIN -> BinContainer.open(path, acceptUnchecksummed);
            case LMDB -> LmdbContainer.open(path, acceptUnchecksummed);
            case SQLITE -> SqliteContainer.open(path, acceptUnchecksummed);
            case TFRECORD -> TfRecordContainer.open(path, acceptUnchecksummed);
        };
    }

    /** Tells the layout of the container at {@code path} from what is on disk. */
    public static Layout sniff(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (Files.exists(path.resolve(BinContainer.MANIFEST))) {
                return Layout.BIN;
            }
            if (Files.exists(path.resolve("data.mdb"))) {
                return Layout.LMDB;
            }
            throw new CorruptContainerException(path + ": a folder, but neither a bin container (no "
                    + BinContainer.MANIFEST + ") nor an LMDB environment (no data.mdb)");
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such container" + interruptedReplacement(path));
        }
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == head.length && java.util.Arrays.equals(head, SQLITE_MAGIC)) {
            return Layout.SQLITE;
        }
        return Layout.TFRECORD;
    }

    /** A hint when a --force pack died after moving the previous container aside (see pack.Reclaim). */
    private static String interruptedReplacement(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return "";
        }
        String prefix = "." + absolute.getFileName() + ".replaced-";
        try (Stream<Path> list = Files.list(parent)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .map(p -> " (a pack replacing it was interrupted and left the previous container at " + p
                            + "; `bale verify " + path + "` puts it back)")
                    .orElse("");
        }
    }

    /** Total size of the files (recursively) that make up a container of the given layout. */
    public static long bytesOnDisk(Layout layout, Path main) {
        long total = 0;
        for (Path file : layout.files(main)) {
            try (Stream<Path> walk = Files.walk(file)) {
                total += walk.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum();
            } catch (IOException e) {
                // A missing sidecar adds nothing.
            }
        }
        return total;
    }
}
