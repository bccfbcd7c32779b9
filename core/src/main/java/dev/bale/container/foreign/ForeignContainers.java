package dev.bale.container.foreign;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.OpenOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens datasets other tools wrote. {@link dev.bale.container.Containers#open} comes here when what
 * is on disk is not a Bale container; each kind that could fit is tried in turn, and when none does
 * the error lists every kind tried and why it did not fit.
 */
public final class ForeignContainers {
    private ForeignContainers() {
    }

    /** Whether an LMDB environment is one Bale wrote. */
    public static boolean isBaleLmdb(Path path) {
        return ForeignLmdb.isBale(path);
    }

    /** Whether {@code options} ask for a foreign reading (an index, a table, columns or a labels file). */
    public static boolean hinted(OpenOptions options) {
        return options.index() != null || options.table() != null || options.columns() != null || options.labels() != null;
    }

    /**
     * Opens {@code path} as a foreign dataset.
     *
     * @param tried what was tried before (the Bale layouts) and why each did not fit: reported too
     * @throws CorruptContainerException listing every kind tried when none fits, or naming the
     *                                   record or index line when the kind fits but the data is damaged
     */
    public static ForeignContainer open(Path path, OpenOptions options, List<String> tried) throws IOException {
        ForeignKind forced = options.kind() == null ? null : ForeignKind.find(options.kind());
        if (options.kind() != null && forced == null) {
            throw new IllegalArgumentException("unknown kind '" + options.kind() + "': expected bin, lmdb, sqlite, tfrecord, "
                    + String.join(", ", java.util.Arrays.stream(ForeignKind.values()).map(ForeignKind::id).toList()));
        }
        List<String> reasons = new ArrayList<>(tried);
        for (ForeignKind kind : candidates(path, options, forced)) {
            try {
                return open(kind, path, options, forced != null);
            } catch (NotThisKind e) {
                reasons.add(kind.id() + ": " + e.getMessage());
            }
        }
        if (!Files.exists(path) && !WebDatasetContainer.isBraceList(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such container or dataset");
        }
        throw new CorruptContainerException(path + ": not a dataset Bale can open. Tried:\n  "
                + String.join("\n  ", reasons));
    }

    private static List<ForeignKind> candidates(Path path, OpenOptions options, ForeignKind forced) {
        if (forced != null) {
            return List.of(forced);
        }
        List<ForeignKind> kinds = new ArrayList<>();
        if (options.index() != null) {
            return List.of(ForeignKind.PLAIN_BIN);
        }
        if (options.table() != null || options.columns() != null) {
            return List.of(ForeignKind.PLAIN_SQLITE);
        }
        if (Files.isDirectory(path)) {
            if (Files.exists(path.resolve("data.mdb"))) {
                kinds.add(ForeignKind.PICKLE_LMDB); // the LMDB kinds are told apart by the values
            } else {
                kinds.add(ForeignKind.PLAIN_BIN);
                kinds.add(ForeignKind.WEBDATASET);
            }
        } else {
            kinds.add(ForeignKind.PLAIN_SQLITE);
            kinds.add(ForeignKind.WEBDATASET);
            kinds.add(ForeignKind.PLAIN_BIN);
        }
        return kinds;
    }

    private static ForeignContainer open(ForeignKind kind, Path path, OpenOptions options, boolean forced)
            throws IOException {
        return switch (kind) {
            case PLAIN_BIN -> PlainBinContainer.open(path, options.index());
            case PLAIN_SQLITE -> {
                if (!forced && !isSqlite(path)) {
                    throw new NotThisKind("not an SQLite file (no 'SQLite format 3' header)");
                }
                yield PlainSqliteContainer.open(path, options.table(), options.columns());
            }
            case PICKLE_LMDB, ENCODED_LMDB, CAFFE_LMDB -> ForeignLmdb.open(path,
                    forced || kind != ForeignKind.PICKLE_LMDB ? kind : null, options.labels());
            case WEBDATASET -> WebDatasetContainer.open(path);
        };
    }

    private static boolean isSqlite(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        byte[] magic = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] head;
        try (var in = Files.newInputStream(path)) {
            head = in.readNBytes(magic.length);
        }
        return java.util.Arrays.equals(head, magic);
    }
}
