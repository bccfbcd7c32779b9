package dev.bale.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.bale.container.Layout;
import dev.bale.container.Seal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Turns a container into one as Bale wrote it before it checksummed its metadata: the manifest
 * without its {@code integrity} member.
 */
public final class Legacy {
    private Legacy() {
    }

    public static void strip(Layout layout, Path container) throws IOException {
        switch (layout) {
            case BIN -> rewrite(container.resolve("manifest.json"));
            case TFRECORD -> rewrite(container.resolveSibling(container.getFileName() + ".bale.json"));
            case SQLITE -> {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + container.toAbsolutePath());
                     PreparedStatement get = c.prepareStatement("SELECT value FROM bale_meta WHERE name = 'manifest'");
                     PreparedStatement put = c.prepareStatement("UPDATE bale_meta SET value = ? WHERE name = 'manifest'")) {
                    String json;
                    try (var rs = get.executeQuery()) {
                        rs.next();
                        json = rs.getString(1);
                    }
                    put.setString(1, unsealed(json));
                    put.executeUpdate();
                } catch (SQLException e) {
                    throw new IOException(e);
                }
            }
            case LMDB -> {
                try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(container.toFile())) {
                    Dbi<ByteBuffer> bale = env.openDbi("bale");
                    ByteBuffer key = direct("manifest".getBytes(StandardCharsets.US_ASCII));
                    try (Txn<ByteBuffer> txn = env.txnWrite()) {
                        ByteBuffer value = bale.get(txn, key);
                        String json = StandardCharsets.UTF_8.decode(value).toString();
                        bale.put(txn, key, direct(unsealed(json).getBytes(StandardCharsets.UTF_8)));
                        txn.commit();
                    }
                    env.sync(true);
                }
            }
        }
    }

    private static void rewrite(Path manifest) throws IOException {
        Files.writeString(manifest, unsealed(Files.readString(manifest)));
    }

    private static String unsealed(String json) {
        JsonObject tree = JsonParser.parseString(json).getAsJsonObject();
        tree.remove(Seal.MEMBER);
        return tree.toString();
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
