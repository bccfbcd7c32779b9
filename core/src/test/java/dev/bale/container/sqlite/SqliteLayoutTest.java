package dev.bale.container.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/** A Bale SQLite container is an ordinary SQLite database that plain JDBC reads as documented. */
class SqliteLayoutTest {

    @TempDir
    Path dir;

    @Test
    void plainJdbcReadsRecordIAtRowidIPlusOne() throws Exception {
        List<Image> images = Fixtures.images(20, 61);
        Path path = Fixtures.write(Layout.SQLITE, dir, images);

        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), config.toProperties());
             PreparedStatement select = connection.prepareStatement(
                     "SELECT img_data, img_label, img_path FROM images WHERE rowid = ?");
             Statement count = connection.createStatement()) {
            try (ResultSet rs = count.executeQuery("SELECT count(*), min(rowid), max(rowid) FROM images")) {
                assertTrue(rs.next());
                assertEquals(images.size(), rs.getInt(1));
                assertEquals(1, rs.getInt(2));
                assertEquals(images.size(), rs.getInt(3));
            }
            for (int i = 0; i < images.size(); i++) {
                Image image = images.get(i);
                select.setInt(1, i + 1);
                try (ResultSet rs = select.executeQuery()) {
                    assertTrue(rs.next(), "no row " + (i + 1));
                    assertArrayEquals(image.bytes(), rs.getBytes("img_data"), "img_data of record " + i);
                    assertEquals(Fixtures.CLASSES.get(image.classId()), rs.getString("img_label"), "img_label of record " + i);
                    assertEquals(image.key(), rs.getString("img_path"));
                }
            }
        }
    }

    @Test
    void readingLeavesTheFileUntouched() throws Exception {
        List<Image> images = Fixtures.images(20, 62);
        Path path = Fixtures.write(Layout.SQLITE, dir, images);
        byte[] before = Files.readAllBytes(path);
        FileTime modified = Files.getLastModifiedTime(path);
        List<Path> filesBefore = list(dir);

        try (Container container = Containers.open(path)) {
            assertArrayEquals(Fixtures.classIds(images), container.classIds());
            try (RecordReader reader = container.newReader(); RecordReader second = container.newReader()) {
                for (int i = 0; i < images.size(); i++) {
                    assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(reader.read(i)), "record " + i);
                    int j = images.size() - 1 - i;
                    assertArrayEquals(images.get(j).bytes(), Fixtures.bytes(second.read(j)), "record " + j);
                    assertEquals(images.get(i).key(), reader.key(i));
                }
            }
            // While open, no journal, WAL or lock file appears beside it.
            assertEquals(filesBefore, list(dir));
        }

        assertArrayEquals(before, Files.readAllBytes(path), "reading modified the database file");
        assertEquals(modified, Files.getLastModifiedTime(path));
        assertEquals(filesBefore, list(dir));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
