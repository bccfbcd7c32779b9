package dev.bale.container.sqlite;

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

    private SqliteSchema() {
    }
}
