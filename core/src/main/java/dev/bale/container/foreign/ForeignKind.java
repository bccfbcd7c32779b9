package dev.bale.container.foreign;

import dev.bale.container.Layout;
import java.util.Locale;

/** The kinds of dataset, written by other tools, that Bale reads in place. */
public enum ForeignKind {
    /** A data file plus a text index of {@code offset<TAB>length[<TAB>label]} lines. */
    PLAIN_BIN("plain-bin", Layout.BIN),
    /** Any SQLite table with a text key, a BLOB and an optional text label column. */
    PLAIN_SQLITE("plain-sqlite", Layout.SQLITE),
    /** LMDB whose values are Python pickles of decoded pixels, with {@code __keys__} and {@code __len__}. */
    PICKLE_LMDB("pickle-lmdb", Layout.LMDB),
    /** LMDB whose values are encoded JPEG/PNG bytes, records in key order. */
    ENCODED_LMDB("encoded-lmdb", Layout.LMDB),
    /** LMDB of {@code caffe.Datum} values, as Caffe's {@code convert_imageset} writes. */
    CAFFE_LMDB("caffe-lmdb", Layout.LMDB),
    /** WebDataset tar shards: members grouped by basename. */
    WEBDATASET("webdataset", Layout.BIN);

    private final String id;
    private final Layout storage;

    ForeignKind(String id, Layout storage) {
        this.id = id;
        this.storage = storage;
    }

    public String id() {
        return id;
    }

    /** The Bale layout that stores its bytes the same way (what {@code Container.layout()} reports). */
    public Layout storage() {
        return storage;
    }

    /** The kind named {@code id} ("pickle-lmdb"...), or null. */
    public static ForeignKind find(String id) {
        for (ForeignKind kind : values()) {
            if (kind.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        return null;
    }
}
