package dev.bale.container.sqlite;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.ClassIds;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Handles;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.MetaFiles;
import dev.bale.container.RecordReader;
import dev.bale.container.Seal;
import dev.bale.container.Sealed;
import dev.bale.container.UnchecksummedContainerException;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads a Bale SQLite container read-only, one connection per reader (SQLite connections must
 * not be shared between threads). SQLite has no zero-copy blob access from Java: each read copies
 * the blob into the reader's own reused direct buffer.
 */
public final class SqliteContainer implements Container {
    private final Path path;
    private final String url;
    private final Manifest manifest;
    private final int[] classIds;
    private final Sealed sealed;
    private final Handles handles;
    private volatile List<String> keys;

    private SqliteContainer(Path path, String url, Sealed sealed, int[] classIds) {
        this.path = path;
        this.url = url;
        this.manifest = sealed.manifest();
        this.sealed = sealed;
        this.classIds = classIds;
        // Connections belong to readers: nothing to free when the last one closes.
        this.handles = new Handles(path, () -> { });
    }

    /** The JDBC URL that opens {@code path} read-only and immutable (any path: it is percent-encoded). */
    public static String readOnlyUrl(Path path) {
        return "jdbc:sqlite:" + SqliteSchema.uri(path) + "?mode=ro&immutable=1";
    }

    public static SqliteContainer open(Path path) throws IOException {
        return open(path, false);
    }

    /** Opens; with {@code acceptUnchecksummed} also a container written before metadata checksums. */
    public static SqliteContainer open(Path path, boolean acceptUnchecksummed) throws IOException {
        // immutable=1: nothing writes the file while we read, so SQLite may skip locking.
        String url = "jdbc:sqlite:" + SqliteSchema.uri(path) + "?mode=ro&immutable=1";
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement meta = connection.prepareStatement("SELECT value FROM bale_meta WHERE name = ?");
             PreparedStatement classes = connection.prepareStatement(
                     "SELECT id, class_id, crc32c FROM bale_records ORDER BY id")) {
            meta.setString(1, SqliteSchema.MANIFEST);
            String where = path + " (table bale_meta, row 'manifest')";
            Sealed sealed;
            try (ResultSet rs = meta.executeQuery()) {
                if (!rs.next()) {
                    throw new CorruptContainerException(path + ": SQLite database has no Bale manifest");
                }
                byte[] json = rs.getBytes(1);
                if (json == null) {
                    throw new CorruptContainerException(where + ": the manifest is NULL");
                }
                sealed = Seal.read(json, where);
            }
            UnchecksummedContainerException.check(sealed, acceptUnchecksummed, path);
            Manifest manifest = sealed.manifest();
            long fileSize = java.nio.file.Files.size(path);
            if (manifest.count() > fileSize / 8) {
                throw new CorruptContainerException(where + ": " + manifest.count() + " records cannot fit in "
                        + fileSize + " bytes");
            }
            int[] classIds = new int[manifest.count()];
            RowDigest digest = new RowDigest();
            int n = 0;
            try (ResultSet rs = classes.executeQuery()) {
                while (rs.next()) {
                    if (n >= classIds.length || rs.getLong(1) != n + 1) {
                        throw new CorruptContainerException(path + ": bale_records row " + rs.getLong(1)
                                + " is out of sequence (expected " + (n + 1) + " of " + classIds.length + ")");
                    }
                    long classId = rs.getLong(2);
                    long crc = rs.getLong(3);
                    if (classId != (int) classId || crc != (int) crc) {
                        throw new CorruptContainerException(path + ": bale_records row " + (n + 1)
                                + ": class id or checksum out of range");
                    }
                    digest.add(n + 1L, (int) classId, (int) crc);
                    classIds[n++] = (int) classId;
                }
            }
            if (n != classIds.length) {
                throw new CorruptContainerException(path + ": manifest says " + classIds.length + " records, bale_records has " + n);
            }
            sealed.verify(SqliteSchema.RECORDS_PART, digest.check(), path + ": table bale_records");
            ClassIds.validate(classIds, sealed, path);
            return new SqliteContainer(path, url, sealed, classIds);
        } catch (SQLException e) {
            throw new CorruptContainerException(path + ": not a readable Bale SQLite container: " + e.getMessage(), e);
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Layout layout() {
        return Layout.SQLITE;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int[] classIds() {
        return classIds;
    }

    @Override
    public long bytesOnDisk() {
        return Containers.bytesOnDisk(Layout.SQLITE, path);
    }

    @Override
    public boolean metadataChecksummed() {
        return sealed.checksummed();
    }

    /** Every row's img_path and img_label against the recorded checksum, and each label against its class id. */
    @Override
    public List<String> verifyMetadata() {
        List<String> problems = new ArrayList<>();
        try {
            Rows rows = scanImages();
            for (int i = 0; i < rows.labels().size(); i++) {
                String expected = Manifest.className(manifest.classes(), classIds[i]);
                if (!expected.equals(rows.labels().get(i))) {
                    problems.add(path + ": images row " + (i + 1) + ": img_label '"
                            + MetaFiles.escape(String.valueOf(rows.labels().get(i))) + "' but class id " + classIds[i]
                            + " is '" + MetaFiles.escape(expected) + "'");
                }
            }
            sealed.verify(SqliteSchema.KEYS_PART, rows.digest(), path + ": table images (img_path, img_label)");
        } catch (CorruptContainerException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    private record Rows(List<String> keys, List<String> labels, Check digest) {
    }

    /** img_path and img_label of every row, in rowid order, which must run 1..count. */
    private Rows scanImages() {
        List<String> keys = new ArrayList<>(classIds.length);
        List<String> labels = new ArrayList<>(classIds.length);
        RowDigest digest = new RowDigest();
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement rows = connection.prepareStatement("SELECT rowid, img_path, img_label FROM images ORDER BY rowid");
             ResultSet rs = rows.executeQuery()) {
            while (rs.next()) {
                long rowid = rs.getLong(1);
                if (rowid != keys.size() + 1L || keys.size() == classIds.length) {
                    throw new CorruptContainerException(path + ": table images: row " + rowid + " is out of sequence (expected "
                            + (keys.size() + 1) + " of " + classIds.length + ")");
                }
                String key = rs.getString(2);
                String label = rs.getString(3);
                digest.add(rowid, key, label);
                keys.add(key);
                labels.add(label);
            }
        } catch (SQLException e) {
            throw new CorruptContainerException(path + ": table images cannot be read: " + e.getMessage(), e);
        }
        if (keys.size() != classIds.length) {
            throw new CorruptContainerException(path + ": table images has " + keys.size() + " rows for "
                    + classIds.length + " records");
        }
        return new Rows(keys, labels, digest.check());
    }

    /** Every record's key, read and checked once, on first use. */
    private List<String> keys() {
        List<String> all = keys;
        if (all == null) {
            synchronized (this) {
                if (keys == null) {
                    Rows rows = scanImages();
                    sealed.verify(SqliteSchema.KEYS_PART, rows.digest(), path + ": table images (img_path, img_label)");
                    keys = rows.keys();
                }
                all = keys;
            }
        }
        return all;
    }

    @Override
    public RecordReader newReader() {
        handles.acquire();
        try {
            Connection connection = DriverManager.getConnection(url);
            try {
                return new Reader(connection);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException e) {
            handles.releaseReader();
            throw new CorruptContainerException(path + ": cannot open: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            handles.releaseReader();
            throw e;
        }
    }

    @Override
    public void close() {
        handles.close();
    }

    private final class Reader implements RecordReader {
        private final Connection connection;
        private final PreparedStatement data;
        private final PreparedStatement crc;
        private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);

        Reader(Connection connection) throws SQLException {
            this.connection = connection;
            this.data = connection.prepareStatement("SELECT img_data FROM images WHERE rowid = ?");
            this.crc = connection.prepareStatement("SELECT crc32c FROM bale_records WHERE id = ?");
        }

        @Override
        public ByteBuffer read(int i) {
            handles.ensureOpen();
            java.util.Objects.checkIndex(i, classIds.length);
            try {
                byte[] bytes;
                data.setLong(1, i + 1L);
                try (ResultSet rs = data.executeQuery()) {
                    if (!rs.next()) {
                        throw corrupt(i, "no row with rowid " + (i + 1));
                    }
                    bytes = rs.getBytes(1);
                }
                if (bytes == null) {
                    throw corrupt(i, "img_data is NULL");
                }
                crc.setLong(1, i + 1L);
                int expected;
                try (ResultSet rs = crc.executeQuery()) {
                    if (!rs.next()) {
                        throw corrupt(i, "no checksum row");
                    }
                    expected = rs.getInt(1);
                }
                if (buffer.capacity() < bytes.length) {
                    buffer = ByteBuffer.allocateDirect(Math.max(bytes.length, buffer.capacity() * 2));
                }
                buffer.clear();
                buffer.put(bytes).flip();
                if (Checksums.crc32c(buffer) != expected) {
                    throw corrupt(i, "checksum mismatch");
                }
                return buffer.asReadOnlyBuffer();
            } catch (SQLException e) {
                throw corrupt(i, e.getMessage());
            }
        }

        @Override
        public String key(int i) {
            handles.ensureOpen();
            java.util.Objects.checkIndex(i, classIds.length);
            String key = keys().get(i);
            if (key == null) {
                throw new CorruptContainerException(path + ": record " + i + ": img_path is NULL");
            }
            return key;
        }

        private CorruptContainerException corrupt(int i, String what) {
            String name;
            try {
                name = key(i);
            } catch (RuntimeException e) {
                name = "?";
            }
            return new CorruptContainerException(path + ": record " + i + " (" + name + "): " + what);
        }

        private boolean closed;

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                connection.close();
            } catch (SQLException e) {
                // Nothing was written; a failed close loses nothing.
            } finally {
                handles.releaseReader();
            }
        }
    }
}
