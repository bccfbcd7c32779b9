package dev.bale.cli;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that opens a container shares: how to read a dataset Bale did not write. */
final class OpenFlags {

    @Option(names = "--index", paramLabel = "FILE",
            description = "Text index of a plain data file: offset<TAB>length[<TAB>label] per line.")
    Path index;

    @Option(names = "--table", description = "SQLite table holding the images (default: detected).")
    String table;

    @Option(names = "--columns", split = ",", paramLabel = "KEY,DATA[,LABEL]",
            description = "SQLite columns (default: img_path,img_data,img_label, or detected).")
    List<String> columns;

    @Option(names = "--labels", paramLabel = "FILE", description = "One label per record, in record order (LMDB of encoded images).")
    Path labels;

    @Option(names = "--kind", paramLabel = "KIND", description = "Open as this kind, no sniffing: bin, lmdb, sqlite, tfrecord, "
            + "plain-bin, plain-sqlite, pickle-lmdb, encoded-lmdb, caffe-lmdb, webdataset.")
    String kind;

    OpenOptions options() {
        return new OpenOptions(index, table, columns, labels, kind);
    }

    Container open(Path path) throws IOException {
        return open(path, false);
    }

    /** With {@code acceptUnchecksummed}, also a Bale container whose metadata has no checksums. */
    Container open(Path path, boolean acceptUnchecksummed) throws IOException {
        return Containers.open(path, options(), acceptUnchecksummed);
    }
}
