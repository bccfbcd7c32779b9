package dev.bale.container.tfrecord;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing: {@code uint64 length, uint32 masked_crc32c(length), data[length],
 * uint32 masked_crc32c(data)}, all little-endian. The mask is TensorFlow's: rotate right by 15 and
 * add a constant, so that a CRC of data that itself holds CRCs stays well distributed.
 */
public final class Framing {
    public static final int HEADER = 12;
    public static final int FOOTER = 4;
    public static final int OVERHEAD = HEADER + FOOTER;
    private static final int MASK_DELTA = 0xa282ead8;

    private Framing() {
    }

    /** TensorFlow's masked CRC-32C of {@code data}'s remaining bytes (position unchanged). */
    public static int maskedCrc(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return mask((int) crc.getValue());
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** The 12-byte header of a record of {@code length} bytes. */
    static ByteBuffer header(long length) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(0, length);
        header.putInt(8, maskedCrc(header.slice(0, 8)));
        return header;
    }

    static ByteBuffer footer(ByteBuffer data) {
        ByteBuffer footer = ByteBuffer.allocate(FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(0, maskedCrc(data));
        return footer;
    }
}
