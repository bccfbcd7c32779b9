package dev.bale.container;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC-32C of a buffer's remaining bytes, without moving its position. */
public final class Checksums {
    private Checksums() {
    }

    public static int crc32c(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }
}
