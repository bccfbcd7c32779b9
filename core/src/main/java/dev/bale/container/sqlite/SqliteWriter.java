package dev.bale.container.sqlite;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.ClassIds;
import dev.bale.container.ContainerWriter;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.Seal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** Over what the reader checks: bale_records rows at open, images' paths and labels in verify. */
    private final RowDigest records = new RowDigest();
    private final RowDigest keys = new RowDigest();
    private int[] classIds = new int[1024];
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
            int crc = Checksums.crc32c(data);
            insertRecord.setInt(3, crc);
            insertRecord.executeUpdate();
            records.add(count + 1L, classId, crc);
            keys.add(count + 1L, key, Manifest.className(classes, classId));
        } catch (SQLException e) {
            throw new IOException(path + ": record " + count + " (" + key + "): " + e.getMessage(), e);
        }
        if (count == classIds.length) {
            classIds = java.util.Arrays.copyOf(classIds, count * 2);
        }
        classIds[count] = classId;
        sourceBytes += length;
        count++;
    }

    @Override
    public void finish() throws IOException {
        try (PreparedStatement meta = connection.prepareStatement("INSERT INTO bale_meta (name, value) VALUES (?, ?)")) {
            meta.setString(1, SqliteSchema.MANIFEST);
            Map<String, Check> checks = new LinkedHashMap<>();
            checks.put(SqliteSchema.RECORDS_PART, records.check());
            checks.put(SqliteSchema.KEYS_PART, keys.check());
            checks.put(Seal.CLASS_IDS, ClassIds.check(java.util.Arrays.copyOf(classIds, count)));
            meta.setString(2, Seal.write(Manifest.of(Layout.SQLITE, count, classes, sourceBytes), checks));
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
