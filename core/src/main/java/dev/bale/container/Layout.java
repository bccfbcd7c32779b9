package dev.bale.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The four on-disk layouts Bale writes and reads. */
public enum Layout {
    /** A directory: the encoded bytes back to back in {@code data.bin}, plus text and binary indexes. */
    BIN,
    /** A directory holding an LMDB environment: encoded bytes as values, keys in record order. */
    LMDB,
    /** One SQLite file: table {@code images(img_path, img_data, img_label)}, rowid = index + 1. */
    SQLITE,
    /** One TFRecord file of {@code tf.train.Example}s, with a DALI-style {@code .idx} sidecar. */
    TFRECORD;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a layout name as users type it ("bin", "LMDB", ...). */
    public static Layout parse(String name) {
        for (Layout layout : values()) {
            if (layout.id().equalsIgnoreCase(name.trim())) {
                return layout;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "': expected one of bin, lmdb, sqlite, tfrecord");
    }

    /**
     * Every path that makes up a container of this layout whose main path is {@code main}, the main
     * path last. A pack stages all of them under a temporary main path and renames them in this
     * order, so that the main path, the one that opens, appears only when everything else is there.
     */
    public List<Path> files(Path main) {
        if (this == TFRECORD) {
            return List.of(sibling(main, ".idx"), sibling(main, ".bale.json"), main);
        }
        return List.of(main);
    }

    static Path sibling(Path main, String suffix) {
        return main.resolveSibling(main.getFileName() + suffix);
    }
}
