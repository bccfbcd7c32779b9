package dev.bale.container.sqlite;

import dev.bale.container.Check;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A CRC-32C over table rows as the writer inserted them, so that a reader can tell whether what
 * SQLite returns is what was written: each value is fed length-prefixed (text as UTF-8), so that
 * no two different rows feed the same bytes.
 */
final class RowDigest {
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer number = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long bytes;

    void add(long id, int classId, int crc32c) {
        put(id);
        put(classId);
        put(crc32c);
    }

    void add(long id, String key, String label) {
        put(id);
        put(key);
        put(label);
    }

    private void put(long value) {
        number.clear();
        number.putLong(value).flip();
        crc.update(number);
        bytes += Long.BYTES;
    }

    /** A null text (a damaged row) feeds -1 as its length. */
    private void put(String text) {
        if (text == null) {
            put(-1L);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        put(utf8.length);
        crc.update(utf8);
        bytes += utf8.length;
    }

    Check check() {
        return new Check(bytes, (int) crc.getValue());
    }
}
