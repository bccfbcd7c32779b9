package dev.bale.container.bin;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Sealed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The binary index of a bin container, {@code index.bin}: an 16-byte header (magic, record count)
 * then one fixed-width little-endian entry per record, so that entry i is found at a computed
 * offset and opening costs nothing at millions of records.
 */
final class BinIndex {
    static final byte[] MAGIC = "BALEIDX1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 16;
    /** offset (u64), length (u32), CRC-32C of the bytes (u32), class id (i32). */
    static final int ENTRY = 20;

    private final ByteBuffer map;
    private final int count;

    private BinIndex(ByteBuffer map, int count) {
        this.map = map;
        this.count = count;
    }

    /** Opens {@code file} after checking it whole against the checksum {@code sealed} recorded. */
    static BinIndex open(Path file, Sealed sealed) throws IOException {
        if (!java.nio.file.Files.exists(file)) {
            throw new CorruptContainerException(file + ": missing");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER) {
                throw new CorruptContainerException(file + ": index is truncated (" + size + " bytes)");
            }
            if (size > Integer.MAX_VALUE) {
                throw new CorruptContainerException(file + ": more than " + (Integer.MAX_VALUE - HEADER) / ENTRY
                        + " records in one bin container is not supported");
            }
            ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            sealed.verify(BinContainer.INDEX, new Check(size, Checksums.crc32c(map)), file);
            byte[] magic = new byte[MAGIC.length];
            map.get(0, magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CorruptContainerException(file + ": not a Bale index (bad magic)");
            }
            long count = map.getLong(8);
            if (count < 0 || count > Integer.MAX_VALUE || size != HEADER + count * ENTRY) {
                throw new CorruptContainerException(file + ": index says " + count + " records but holds "
                        + (size - HEADER) + " bytes of entries (" + ENTRY + " each): truncated or corrupt");
            }
            return new BinIndex(map, (int) count);
        }
    }

    int count() {
        return count;
    }

    long offset(int i) {
        return map.getLong(HEADER + i * ENTRY);
    }

    int length(int i) {
        return map.getInt(HEADER + i * ENTRY + 8);
    }

    int crc(int i) {
        return map.getInt(HEADER + i * ENTRY + 12);
    }

    int classId(int i) {
        return map.getInt(HEADER + i * ENTRY + 16);
    }

    static ByteBuffer header(int count) {
        ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putLong(count).flip();
        return header;
    }

    static void putEntry(ByteBuffer to, long offset, int length, int crc, int classId) {
        to.putLong(offset).putInt(length).putInt(crc).putInt(classId);
    }
}
