package dev.bale.container.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The tables of a Bale SQLite container. {@code images} is the layout people already use for
 * images in SQLite, rowid = record index + 1; Bale's own bookkeeping sits in tables of its own, so
 * that a plain {@code SELECT img_data FROM images WHERE rowid = ?} works as everyone expects.
 */
final class SqliteSchema {
    static final String CREATE_IMAGES =
            "CREATE TABLE images (img_path TEXT PRIMARY KEY, img_data BLOB, img_label TEXT)";
    static final String CREATE_RECORDS =
            "CREATE TABLE bale_records (id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL, crc32c INTEGER NOT NULL)";
    static final String CREATE_META = "CREATE TABLE bale_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)";
    static final String MANIFEST = "manifest";
    /** Manifest check over every bale_records row (id, class_id, crc32c), in id order. */
    static final String RECORDS_PART = "bale_records";
    /** Manifest check over every images row's (rowid, img_path, img_label), in rowid order. */
    static final String KEYS_PART = "images.img_path+img_label";

    private SqliteSchema() {
    }

    /**
     * The SQLite URI of a file, for {@code jdbc:sqlite:}: every byte of the UTF-8 path outside
     * {@code [A-Za-z0-9/._~-]} percent-encoded, so that a {@code ?}, {@code #} or {@code %} in a
     * folder name is part of the path and not the start of the query, the fragment or an escape.
     */
    static String uri(Path file) {
        StringBuilder uri = new StringBuilder("file:");
        for (byte b : file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/._~-".indexOf(c) >= 0) {
                uri.append((char) c);
            } else {
                uri.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return uri.toString();
    }
}
