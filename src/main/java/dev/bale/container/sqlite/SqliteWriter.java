package dev.bale.container.sqlite;

import dev.bale.container.Checksums;
import dev.bale.container.ContainerWriter;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes one SQLite file. Rows go in with explicit rowids (index + 1) in one transaction; the
 * journal is off because the file is a fresh temporary that is renamed into place only on success.
 */
public final class SqliteWriter implements ContainerWriter {
    private final Path path;
    private final List<String> classes;
    private final Connection connection;
    private final PreparedStatement insertImage;
    private final PreparedStatement insertRecord;
    private long sourceBytes;
    private int count;
    private boolean finished;

    public SqliteWriter(Path path, List<String> classes) throws IOException {
        this.path = path;
        this.classes = List.copyOf(classes);
        if (Files.exists(path)) {
            throw new IOException(path + " already exists");
        }
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + SqliteSchema.uri(path));
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = OFF");
                statement.execute("PRAGMA synchronous = OFF");
                statement.execute(SqliteSchema.CREATE_IMAGES);
                statement.execute(SqliteSchema.CREATE_RECORDS);
                statement.execute(SqliteSchema.CREATE_META);
            }
            connection.setAutoCommit(false);
            insertImage = connection.prepareStatement(
                    "INSERT INTO images (rowid, img_path, img_data, img_label) VALUES (?, ?, ?, ?)");
            insertRecord = connection.prepareStatement(
                    "INSERT INTO bale_records (id, class_id, crc32c) VALUES (?, ?, ?)");
        } catch (SQLException e) {
            throw new IOException(path + ": cannot create SQLite database: " + e.getMessage(), e);
        }
    }

    @Override
    public void append(String key, int classId, ByteBuffer data) throws IOException {
        int length = data.remaining();
        // sqlite-jdbc binds blobs from byte arrays only.
        byte[] blob = new byte[length];
        data.duplicate().get(blob);
        try {
            insertImage.setLong(1, count + 1L);
            insertImage.setString(2, key);
            insertImage.setBytes(3, blob);
            insertImage.setString(4, Manifest.className(classes, classId));
            insertImage.executeUpdate();
            insertRecord.setLong(1, count + 1L);
            insertRecord.setInt(2, classId);
            insertRecord.setInt(3, Checksums.crc32c(data));
            insertRecord.executeUpdate();
        } catch (SQLException e) {
            throw new IOException(path + ": record " + count + " (" + key + "): " + e.getMessage(), e);
        }
        sourceBytes += length;
        count++;
    }

    @Override
    public void finish() throws IOException {
        try (PreparedStatement meta = connection.prepareStatement("INSERT INTO bale_meta (name, value) VALUES (?, ?)")) {
            meta.setString(1, SqliteSchema.MANIFEST);
            meta.setString(2, Manifest.of(Layout.SQLITE, count, classes, sourceBytes).toJson());
            meta.executeUpdate();
            connection.commit();
            insertImage.close();
            insertRecord.close();
            connection.close();
        } catch (SQLException e) {
            throw new IOException(path + ": cannot finish SQLite database: " + e.getMessage(), e);
        }
        finished = true;
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            try {
                connection.rollback();
                connection.close();
            } catch (SQLException e) {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
        }
    }
}
