package dev.bale.container.foreign;

import dev.bale.testing.caffe.CaffeProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Writes foreign datasets the way other tools do, independently of Bale's readers: plain files,
 * JDBC, lmdbjava with Python-made or hand-pickled values, protobuf-java Datums, commons-compress tars.
 */
final class ForeignWriters {
    private ForeignWriters() {
    }

    /** Random but smooth RGB pixels, HWC. */
    static byte[] pixels(int height, int width, int channels, long seed) {
        Random rng = new Random(seed);
        byte[] p = new byte[height * width * channels];
        int base = rng.nextInt(256);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    p[(y * width + x) * channels + c] = (byte) (base + x * (c + 1) + y * (3 - c) + rng.nextInt(8));
                }
            }
        }
        return p;
    }

    /** HWC RGB to CHW BGR (a raw Caffe Datum's order). */
    static byte[] chwBgr(byte[] hwcRgb, int height, int width) {
        byte[] out = new byte[hwcRgb.length];
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                out[(2 - c) * plane + i] = hwcRgb[i * 3 + c];
            }
        }
        return out;
    }

    static void plainBin(Path data, Path index, List<byte[]> records, List<String> labels) throws IOException {
        StringBuilder text = new StringBuilder();
        try (OutputStream out = Files.newOutputStream(data)) {
            long offset = 0;
            for (int i = 0; i < records.size(); i++) {
                out.write(records.get(i));
                text.append(offset).append('\t').append(records.get(i).length);
                if (labels != null) {
                    text.append('\t').append(labels.get(i));
                }
                text.append('\n');
                offset += records.get(i).length;
            }
        }
        Files.writeString(index, text);
    }

    /** The tutorial's table: images(img_path TEXT PRIMARY KEY, img_data BLOB, img_label TEXT). */
    static void sqlite(Path file, String create, String insert, List<Object[]> rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.createStatement().execute(create);
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(insert)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        s.setObject(i + 1, row[i]);
                    }
                    s.executeUpdate();
                }
            }
            c.commit();
        }
    }

    /** An LMDB environment (unnamed database) holding these key/value pairs. */
    static void lmdb(Path dir, Map<byte[], byte[]> pairs) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long size = 1 << 20;
        for (byte[] v : pairs.values()) {
            size += v.length * 2L + 4096;
        }
        try (Env<ByteBuffer> env = Env.create().setMapSize(size).setMaxDbs(1).open(dir.toFile());
             Txn<ByteBuffer> txn = env.txnWrite()) {
            Dbi<ByteBuffer> dbi = env.openDbi(txn, (byte[]) null, null, false, DbiFlags.MDB_CREATE);
            for (Map.Entry<byte[], byte[]> e : pairs.entrySet()) {
                dbi.put(txn, direct(e.getKey()), direct(e.getValue()));
            }
            txn.commit();
        }
    }

    /** The tutorial's pickled LMDB: keys b"0".."n-1", __keys__, __len__, values from {@code values}. */
    static void pickledLmdb(Path dir, List<byte[]> values, int protocol) {
        Map<byte[], byte[]> pairs = new java.util.LinkedHashMap<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            byte[] key = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            keys.add(key);
            pairs.put(key, values.get(i));
        }
        pairs.put(ForeignLmdb.KEYS, PickleWriter.dumps(keys, protocol));
        pairs.put(ForeignLmdb.LEN, PickleWriter.dumps(values.size(), protocol));
        lmdb(dir, pairs);
    }

    static byte[] rawDatum(byte[] chwBgr, int channels, int height, int width, int label) {
        return CaffeProto.Datum.newBuilder().setChannels(channels).setHeight(height).setWidth(width)
                .setData(ByteString.copyFrom(chwBgr)).setLabel(label).build().toByteArray();
    }

    static byte[] encodedDatum(byte[] encoded, int label) {
        return CaffeProto.Datum.newBuilder().setData(ByteString.copyFrom(encoded)).setLabel(label).setEncoded(true)
                .build().toByteArray();
    }

    /** One tar shard of members (name, bytes), in order. */
    static void tar(Path file, List<Map.Entry<String, byte[]>> members) throws IOException {
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> m : members) {
                TarArchiveEntry entry = new TarArchiveEntry(m.getKey());
                entry.setSize(m.getValue().length);
                out.putArchiveEntry(entry);
                out.write(m.getValue());
                out.closeArchiveEntry();
            }
        }
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
