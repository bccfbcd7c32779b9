package dev.bale.container.foreign;

import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.RecordReader;
import dev.bale.container.sqlite.SqliteContainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Any SQLite table with a text key column, a BLOB column and an optional label column, opened
 * read-only and immutable. Record order is rowid order. As in Bale's own SQLite layout, each reader
 * has its own connection and copies a blob into its reused direct buffer.
 */
final class PlainSqliteContainer extends ForeignContainer {
    static final List<String> DEFAULT_COLUMNS = List.of("img_path", "img_data", "img_label");

    private final String url;
    private final String select;
    private final long[] rowids;
    private final String[] keys;

    private PlainSqliteContainer(Path path, String url, String select, long[] rowids, String[] keys, ForeignLabels labels,
                                 long dataBytes, Description description) {
        super(path, ForeignKind.PLAIN_SQLITE, labels, dataBytes, description);
        this.url = url;
        this.select = select;
        this.rowids = rowids;
        this.keys = keys;
    }

    static PlainSqliteContainer open(Path path, String table, List<String> columns) throws IOException {
        String url = SqliteContainer.readOnlyUrl(path);
        try (Connection connection = DriverManager.getConnection(url)) {
            Map<String, Map<String, String>> tables = tables(connection);
            if (tables.containsKey("bale_meta")) {
                throw new NotThisKind("a Bale SQLite container (it has bale_meta)");
            }
            String why;
            if (table == null) {
                table = pickTable(tables, columns);
                why = table == null ? null : "auto-detected";
            } else {
                why = "--table";
            }
            if (table == null || !tables.containsKey(table)) {
                throw new NotThisKind(table == null ? "no table has exactly one BLOB column (tables: "
                        + tables.keySet() + "); name one with --table" : "no table " + table + " (tables: " + tables.keySet() + ")");
            }
            Map<String, String> cols = tables.get(table);
            String key;
            String data;
            String label;
            if (columns != null) {
                key = columns.get(0);
                data = columns.get(1);
                label = columns.size() > 2 ? columns.get(2) : null;
                for (String c : columns) {
                    if (!cols.containsKey(c)) {
                        throw new NotThisKind("table " + table + " has no column " + c + " (columns: " + cols.keySet() + ")");
                    }
                }
            } else if (cols.keySet().containsAll(DEFAULT_COLUMNS.subList(0, 2))) {
                key = DEFAULT_COLUMNS.get(0);
                data = DEFAULT_COLUMNS.get(1);
                label = cols.containsKey(DEFAULT_COLUMNS.get(2)) ? DEFAULT_COLUMNS.get(2) : null;
            } else {
                List<String> blobs = cols.entrySet().stream().filter(e -> isBlob(e.getValue())).map(Map.Entry::getKey).toList();
                if (blobs.size() != 1) {
                    throw new NotThisKind("table " + table + " has " + blobs.size() + " BLOB columns; say which with --columns key,data[,label]");
                }
                data = blobs.get(0);
                List<String> rest = cols.keySet().stream().filter(c -> !c.equals(data)).toList();
                label = rest.stream().filter(c -> c.toLowerCase(Locale.ROOT).matches(".*(label|class|target|text).*"))
                        .findFirst().orElse(null);
                String labelColumn = label;
                key = rest.stream().filter(c -> !c.equals(labelColumn)).filter(c -> !isBlob(cols.get(c))).findFirst().orElse(null);
            }
            String q = quote(table);
            StringBuilder meta = new StringBuilder("SELECT rowid, ").append(key == null ? "NULL" : quote(key)).append(", ")
                    .append(label == null ? "NULL" : quote(label)).append(", length(").append(quote(data)).append("), typeof(")
                    .append(quote(data)).append(") FROM ").append(q).append(" ORDER BY rowid");
            List<Long> rowids = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            Description description = new Description();
            long total = 0;
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(meta.toString())) {
                while (rs.next()) {
                    int i = rowids.size();
                    long rowid = rs.getLong(1);
                    String k = rs.getString(2);
                    if (k == null) {
                        k = "rowid " + rowid;
                    }
                    if (!seen.add(k)) {
                        throw new CorruptContainerException(path + ": record " + i + " (" + k + "): key appears twice in "
                                + table + "." + key);
                    }
                    rowids.add(rowid);
                    keys.add(k);
                    labels.add(rs.getString(3));
                    String type = rs.getString(5);
                    if ("null".equals(type)) {
                        description.bad("record " + i + " (" + k + "): " + data + " is NULL");
                    } else if (!"blob".equals(type) && !"text".equals(type)) {
                        description.bad("record " + i + " (" + k + "): " + data + " holds a " + type + ", not a BLOB");
                    } else {
                        total += rs.getLong(4);
                    }
                    description.key(k);
                }
            }
            String select = "SELECT " + quote(data) + ", typeof(" + quote(data) + ") FROM " + q + " WHERE rowid = ?";
            description.evidence = "SQLite table " + table + " (" + why + "): key " + (key == null ? "rowid" : key)
                    + ", data " + data + " (BLOB), label " + (label == null ? "none" : label) + "; records in rowid order";
            PlainSqliteContainer container = new PlainSqliteContainer(path, url, select,
                    rowids.stream().mapToLong(Long::longValue).toArray(), keys.toArray(String[]::new),
                    ForeignLabels.of(labels), total, description);
            container.sampleFormats(description);
            return container;
        } catch (SQLException e) {
            throw new NotThisKind("not a readable SQLite database: " + e.getMessage());
        }
    }

    private void sampleFormats(Description description) {
        try (RecordReader reader = newReader()) {
            for (int i = 0; i < Math.min(20, rowids.length); i++) {
                try {
                    description.format(encodedFormat(reader.read(i)));
                } catch (CorruptContainerException e) {
                    // listed among the bad records already
                }
            }
        }
    }

    private static Map<String, Map<String, String>> tables(Connection connection) throws SQLException {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String name : names) {
            Map<String, String> columns = new LinkedHashMap<>();
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(name) + ")")) {
                while (rs.next()) {
                    columns.put(rs.getString("name"), rs.getString("type") == null ? "" : rs.getString("type"));
                }
            }
            tables.put(name, columns);
        }
        return tables;
    }

    private static String pickTable(Map<String, Map<String, String>> tables, List<String> columns) {
        List<String> defaults = columns != null ? columns : DEFAULT_COLUMNS.subList(0, 2);
        List<String> named = tables.entrySet().stream().filter(t -> t.getValue().keySet().containsAll(defaults))
                .map(Map.Entry::getKey).toList();
        if (named.size() == 1) {
            return named.get(0);
        }
        List<String> oneBlob = tables.entrySet().stream()
                .filter(t -> t.getValue().values().stream().filter(PlainSqliteContainer::isBlob).count() == 1)
                .map(Map.Entry::getKey).toList();
        return oneBlob.size() == 1 ? oneBlob.get(0) : null;
    }

    private static boolean isBlob(String declared) {
        return declared.toUpperCase(Locale.ROOT).contains("BLOB");
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
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
                return new Reader(connection, connection.prepareStatement(select));
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
        private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);

        Reader(Connection connection, PreparedStatement data) {
            this.connection = connection;
            this.data = data;
        }

        @Override
        public ByteBuffer read(int i) {
            java.util.Objects.checkIndex(i, rowids.length);
            byte[] bytes;
            try {
                data.setLong(1, rowids[i]);
                try (ResultSet rs = data.executeQuery()) {
                    if (!rs.next()) {
                        throw corrupt(i, keys[i], "no row with rowid " + rowids[i]);
                    }
                    bytes = rs.getBytes(1);
                    if (bytes == null) {
                        throw corrupt(i, keys[i], "the image column is NULL");
                    }
                }
            } catch (SQLException e) {
                throw corrupt(i, keys[i], e.getMessage());
            }
            if (bytes.length == 0) {
                throw corrupt(i, keys[i], "the image column is empty");
            }
            if (buffer.capacity() < bytes.length) {
                buffer = ByteBuffer.allocateDirect(Math.max(bytes.length, buffer.capacity() * 2));
            }
            buffer.clear();
            buffer.put(bytes).flip();
            return buffer.asReadOnlyBuffer();
        }

        @Override
        public String key(int i) {
            return keys[java.util.Objects.checkIndex(i, keys.length)];
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // read-only: nothing to lose
            }
        }
    }

}
