package dev.bale.container.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.bale.container.Layout;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/** A Bale LMDB environment read with lmdbjava alone, as any LMDB client would. */
class LmdbLayoutTest {

    @TempDir
    Path dir;

    @Test
    void imagesAreKeyedByEightByteBigEndianIndexes() throws Exception {
        List<Image> images = Fixtures.images(26, 81);
        Path path = Fixtures.write(Layout.LMDB, dir, images);

        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(path.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK);
             Txn<ByteBuffer> txn = env.txnRead()) {
            Dbi<ByteBuffer> db = env.openDbi(txn, "images".getBytes(StandardCharsets.US_ASCII), null, false);
            assertEquals(images.size(), db.stat(txn).entries);

            // A cursor walks the keys in order: 0, 1, 2, ... as 8 bytes, most significant first.
            int i = 0;
            try (CursorIterable<ByteBuffer> cursor = db.iterate(txn)) {
                for (CursorIterable.KeyVal<ByteBuffer> entry : cursor) {
                    ByteBuffer key = entry.key();
                    assertEquals(8, key.remaining(), "key of record " + i);
                    byte[] raw = Fixtures.bytes(key);
                    assertArrayEquals(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(i).array(), raw, "key of record " + i);
                    assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(entry.val()), "value of record " + i);
                    i++;
                }
            }
            assertEquals(images.size(), i);

            // And a client computing a key finds the record directly.
            ByteBuffer key = ByteBuffer.allocateDirect(8);
            for (int r = images.size() - 1; r >= 0; r--) {
                key.clear();
                key.putLong(r).flip();
                ByteBuffer value = db.get(txn, key);
                assertNotNull(value, "no value for key " + r);
                assertArrayEquals(images.get(r).bytes(), Fixtures.bytes(value), "record " + r);
            }
        }
    }
}
