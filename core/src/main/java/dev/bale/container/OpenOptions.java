package dev.bale.container;

import java.nio.file.Path;
import java.util.List;

/**
 * What to tell {@link Containers#open(Path, OpenOptions)} when sniffing alone cannot decide how to
 * read a dataset Bale did not write. Every field is optional (null).
 *
 * @param index   the text index ({@code offset<TAB>length[<TAB>label]} lines) of a plain data file
 * @param table   the SQLite table that holds the images
 * @param columns SQLite column names: key, data and (optionally) label
 * @param labels  a text file with one label per record, in record order (LMDB of encoded images)
 * @param kind    the kind to open as, skipping sniffing: a Bale layout id or a foreign kind id
 */
public record OpenOptions(Path index, String table, List<String> columns, Path labels, String kind) {
    private static final OpenOptions NONE = new OpenOptions(null, null, null, null, null);

    public OpenOptions {
        columns = columns == null ? null : List.copyOf(columns);
        if (columns != null && (columns.size() < 2 || columns.size() > 3)) {
            throw new IllegalArgumentException("columns are key,data or key,data,label, not " + columns);
        }
    }

    /** Sniff everything. */
    public static OpenOptions none() {
        return NONE;
    }

    public OpenOptions withKind(String kind) {
        return new OpenOptions(index, table, columns, labels, kind);
    }
}
