package dev.bale.container.tfrecord;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.MetaFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** Where each record of a TFRecord file starts and how long it is, framing included. */
final class TfRecordIndex {
    private long[] offsets;
    private int[] sizes;
    private int count;

    private TfRecordIndex(int capacity) {
        offsets = new long[capacity];
        sizes = new int[capacity];
    }

    int count() {
        return count;
    }

    long offset(int i) {
        return offsets[i];
    }

    int size(int i) {
        return sizes[i];
    }

    long longest() {
        long longest = 0;
        for (int i = 0; i < count; i++) {
            longest = Math.max(longest, sizes[i]);
        }
        return longest;
    }

    private void add(long offset, long size, String where) {
        if (size < Framing.OVERHEAD || size > Integer.MAX_VALUE) {
            throw new CorruptContainerException(where + ": record " + count + " has an impossible size " + size);
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(16, count * 2));
            sizes = Arrays.copyOf(sizes, offsets.length);
        }
        offsets[count] = offset;
        sizes[count] = (int) size;
        count++;
    }

    /**
     * Reads a DALI-style index: one {@code offset size} line per record. The records it lists must
     * follow one another and end where {@code file} ends: an index that is stale, or was cut short
     * by an interrupted write, is refused rather than trusted.
     */
    static TfRecordIndex read(byte[] bytes, Path idx, Path file) throws IOException {
        TfRecordIndex index = new TfRecordIndex(1024);
        String text = MetaFiles.utf8(bytes, idx);
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("[ \t]+");
            try {
                if (parts.length != 2 || !parts[0].matches("[0-9]{1,18}") || !parts[1].matches("[0-9]{1,18}")) {
                    throw new NumberFormatException("expected 'offset size'");
                }
                long offset = Long.parseLong(parts[0]);
                long expected = index.count == 0 ? 0 : index.offsets[index.count - 1] + index.sizes[index.count - 1];
                if (offset != expected) {
                    throw new CorruptContainerException(idx + " line " + lineNo + ": record " + index.count
                            + " starts at " + offset + ", but the previous one ends at " + expected);
                }
                index.add(offset, Long.parseLong(parts[1]), idx + " line " + lineNo);
            } catch (NumberFormatException e) {
                throw new CorruptContainerException(idx + " line " + lineNo + " (record " + index.count
                        + "): not `offset size`: '"
                        + MetaFiles.escape(line) + "'");
            }
        }
        long end = index.count == 0 ? 0 : index.offsets[index.count - 1] + index.sizes[index.count - 1];
        long size = Files.size(file);
        if (end > size) {
            int first = 0;
            while (index.offsets[first] + index.sizes[first] <= size) {
                first++;
            }
            throw new CorruptContainerException(file + ": truncated: record " + first + " (at offset " + index.offsets[first]
                    + ", " + index.sizes[first] + " bytes) runs past the end of the file (" + size + " bytes)");
        }
        if (end != size) {
            throw new CorruptContainerException(idx + ": its " + index.count + " records end at byte " + end + " but "
                    + file.getFileName() + " has " + size + " bytes (stale or partial index, or truncated file)");
        }
        return index;
    }

    /**
     * Builds the index by walking the file's record headers once (for TFRecords written without an
     * index). Each length is checked against its CRC before it is trusted.
     */
    static TfRecordIndex scan(Path file) throws IOException {
        TfRecordIndex index = new TfRecordIndex(1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(Framing.HEADER).order(ByteOrder.LITTLE_ENDIAN);
            long at = 0;
            while (at < size) {
                String where = file + ": record " + index.count + " at offset " + at;
                if (size - at < Framing.HEADER) {
                    throw new CorruptContainerException(where + ": truncated header");
                }
                header.clear();
                while (header.hasRemaining() && channel.read(header, at + header.position()) >= 0) {
                    // read until full
                }
                long length = header.getLong(0);
                if (Framing.maskedCrc(header.slice(0, 8)) != header.getInt(8)) {
                    throw new CorruptContainerException(where + ": length checksum mismatch (not a TFRecord, or damaged)");
                }
                long recordSize = Framing.OVERHEAD + length;
                if (length < 0 || recordSize > size - at) {
                    throw new CorruptContainerException(where + ": truncated (record needs " + recordSize
                            + " bytes, " + (size - at) + " left)");
                }
                index.add(at, recordSize, where);
                at += recordSize;
            }
        }
        return index;
    }
}
