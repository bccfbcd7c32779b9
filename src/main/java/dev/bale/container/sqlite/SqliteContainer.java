package dev.bale.container.sqlite;

import dev.bale.container.Checksums;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
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

    private SqliteContainer(Path path, String url, Manifest manifest, int[] classIds) {
        this.path = path;
        this.url = url;
        this.manifest = manifest;
        this.classIds = classIds;
    }

    /** The JDBC URL that opens {@code path} read-only and immutable (any path: it is percent-encoded). */
    public static String readOnlyUrl(Path path) {
        return "jdbc:sqlite:" + SqliteSchema.uri(path) + "?mode=ro&immutable=1";
    }

    public static SqliteContainer open(Path path) throws IOException {
        // immutable=1: nothing writes the file while we read, so SQLite may skip locking.
        String url = "jdbc:sqlite:" + SqliteSchema.uri(path) + "?mode=ro&immutable=1";
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement meta = connection.prepareStatement("SELECT value FROM bale_meta WHERE name = ?");
             PreparedStatement classes = connection.prepareStatement("SELECT id, class_id FROM bale_records ORDER BY id")) {
            meta.setString(1, SqliteSchema.MANIFEST);
            Manifest manifest;
            try (ResultSet rs = meta.executeQuery()) {
                if (!rs.next()) {
                    throw new CorruptContainerException(path + ": SQLite database has no Bale manifest");
                }
                manifest = Manifest.fromJson(rs.getString(1), path + " (bale_meta)");
            }
            int[] classIds = new int[manifest.count()];
            int n = 0;
            try (ResultSet rs = classes.executeQuery()) {
                while (rs.next()) {
                    if (n >= classIds.length || rs.getLong(1) != n + 1) {
                        throw new CorruptContainerException(path + ": bale_records row " + rs.getLong(1)
                                + " is out of sequence (expected " + (n + 1) + " of " + classIds.length + ")");
                    }
                    classIds[n++] = rs.getInt(2);
                }
            }
            if (n != classIds.length) {
                throw new CorruptContainerException(path + ": manifest says " + classIds.length + " records, bale_records has " + n);
            }
            return new SqliteContainer(path, url, manifest, classIds);
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
    public RecordReader newReader() {
        try {
            Connection connection = DriverManager.getConnection(url);
            try {
                return new Reader(connection);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new CorruptContainerException(path + ": cannot open: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // Connections belong to readers.
    }

    private final class Reader implements RecordReader {
        private final Connection connection;
        private final PreparedStatement data;
        private final PreparedStatement crc;
        private final PreparedStatement key;
        private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);

        Reader(Connection connection) throws SQLException {
            this.connection = connection;
            this.data = connection.prepareStatement("SELECT img_data FROM images WHERE rowid = ?");
            this.crc = connection.prepareStatement("SELECT crc32c FROM bale_records WHERE id = ?");
            this.key = connection.prepareStatement("SELECT img_path FROM images WHERE rowid = ?");
        }

        @Override
        public ByteBuffer read(int i) {
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
            java.util.Objects.checkIndex(i, classIds.length);
            try {
                key.setLong(1, i + 1L);
                try (ResultSet rs = key.executeQuery()) {
                    if (!rs.next()) {
                        throw new CorruptContainerException(path + ": record " + i + ": no row with rowid " + (i + 1));
                    }
                    return rs.getString(1);
                }
            } catch (SQLException e) {
                throw new CorruptContainerException(path + ": record " + i + ": " + e.getMessage(), e);
            }
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

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // Nothing was written; a failed close loses nothing.
            }
        }
    }
}
