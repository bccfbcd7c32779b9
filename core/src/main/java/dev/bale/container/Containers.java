package dev.bale.container;

import dev.bale.container.bin.BinContainer;
import dev.bale.container.bin.BinWriter;
import dev.bale.container.foreign.ForeignContainers;
import dev.bale.container.lmdb.LmdbContainer;
import dev.bale.container.lmdb.LmdbWriter;
import dev.bale.container.sqlite.SqliteContainer;
import dev.bale.container.sqlite.SqliteWriter;
import dev.bale.container.tfrecord.Framing;
import dev.bale.container.tfrecord.TfRecordContainer;
import dev.bale.container.tfrecord.TfRecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
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
     * Opens a container of any layout, a sharded dataset (its folder, its dataset.json, or a URL:
     * anything a {@link ContainerOpener} knows), or a dataset another tool wrote (see
     * {@link #open(Path, OpenOptions, boolean)}). A Bale container written before Bale checksummed
     * its metadata is refused ({@link UnchecksummedContainerException}): nothing vouches for its labels.
     */
    public static Container open(Path path) throws IOException {
        return open(path, OpenOptions.none(), false);
    }

    /**
     * As {@link #open(Path)}; with {@code acceptUnchecksummed}, also a Bale container whose metadata
     * has no checksums (for inspect, verify, and a deliberate convert that rewrites it with them).
     */
    public static Container open(Path path, boolean acceptUnchecksummed) throws IOException {
        return open(path, OpenOptions.none(), acceptUnchecksummed);
    }

    /** As {@link #open(Path, OpenOptions, boolean)}, refusing Bale containers with unchecksummed metadata. */
    public static Container open(Path path, OpenOptions options) throws IOException {
        return open(path, options, false);
    }

    /**
     * Opens a Bale container of any layout or, when what is on disk is not one, a dataset another
     * tool wrote (plain bin + text index, plain SQLite, pickled/encoded/Caffe LMDB, WebDataset tars),
     * read-only and in place. {@code options} name what sniffing cannot find (an index file, a
     * table...) or the kind itself. When nothing fits, the error lists every kind tried and why.
     * {@code acceptUnchecksummed} as in {@link #open(Path, boolean)}.
     */
    public static Container open(Path path, OpenOptions options, boolean acceptUnchecksummed) throws IOException {
        if (options.kind() != null) {
            for (Layout layout : Layout.values()) {
                if (layout.id().equalsIgnoreCase(options.kind().trim())) {
                    return open(layout, path, acceptUnchecksummed);
                }
            }
            return ForeignContainers.open(path, options, List.of());
        }
        if (ForeignContainers.hinted(options)) {
            return ForeignContainers.open(path, options, List.of());
        }
        for (ContainerOpener opener : ServiceLoader.load(ContainerOpener.class, Containers.class.getClassLoader())) {
            Container container = opener.open(path.toString());
            if (container != null) {
                return container;
            }
        }
        List<String> tried = new ArrayList<>();
        Layout layout = sniffBale(path, tried);
        if (layout == null && !Files.exists(path)) {
            String hint = interruptedReplacement(path);
            if (!hint.isEmpty()) {
                throw new NoSuchFileException(path.toString(), null, "no such container" + hint);
            }
        }
        return layout != null ? open(layout, path, acceptUnchecksummed) : ForeignContainers.open(path, options, tried);
    }

    private static Container open(Layout layout, Path path, boolean acceptUnchecksummed) throws IOException {
        return switch (layout) {
            case BIN -> BinContainer.open(path, acceptUnchecksummed);
            case LMDB -> LmdbContainer.open(path, acceptUnchecksummed);
            case SQLITE -> SqliteContainer.open(path, acceptUnchecksummed);
            case TFRECORD -> TfRecordContainer.open(path, acceptUnchecksummed);
        };
    }

    /** The Bale layout at {@code path}, or null (with the reasons added to {@code tried}) when it is not Bale's. */
    private static Layout sniffBale(Path path, List<String> tried) throws IOException {
        if (Files.isDirectory(path)) {
            if (Files.exists(path.resolve(BinContainer.MANIFEST))) {
                return Layout.BIN;
            }
            tried.add("bin (Bale): no " + BinContainer.MANIFEST);
            if (Files.exists(path.resolve("data.mdb"))) {
                if (ForeignContainers.isBaleLmdb(path)) {
                    return Layout.LMDB;
                }
                tried.add("lmdb (Bale): an LMDB environment without Bale's databases");
            } else {
                tried.add("lmdb: no data.mdb");
            }
            return null;
        }
        if (!Files.exists(path)) {
            return null; // perhaps a brace list of shards; the foreign kinds say
        }
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= SQLITE_MAGIC.length && java.util.Arrays.equals(head, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
            if (hasBaleMeta(path)) {
                return Layout.SQLITE;
            }
            tried.add("sqlite (Bale): no bale_meta table");
            return null;
        }
        // A TFRecord starts with a length whose masked CRC-32C follows it; a TFRecord Bale wrote has sidecars.
        if (n == 0 || Files.exists(Layout.sibling(path, ".idx")) || Files.exists(Layout.sibling(path, ".bale.json"))
                || (n >= Framing.HEADER && java.nio.ByteBuffer.wrap(head, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()
                == Framing.maskedCrc(java.nio.ByteBuffer.wrap(head, 0, 8)))) {
            return Layout.TFRECORD;
        }
        tried.add("tfrecord: the first 12 bytes are not a TFRecord header (length + its masked CRC)");
        return null;
    }

    private static boolean hasBaleMeta(Path path) {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(SqliteContainer.readOnlyUrl(path));
             java.sql.ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bale_meta'")) {
            return rs.next();
        } catch (java.sql.SQLException e) {
            return true; // unreadable: let Bale's reader say why
        }
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
