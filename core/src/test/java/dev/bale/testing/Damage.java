package dev.bale.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Pattern;

/** Damages container files on disk the way disks, copies and interrupted transfers do. */
public final class Damage {
    private static final int WINDOW = 32;

    private Damage() {
    }

    /**
     * Flips every bit of one byte of {@code record}'s bytes where {@code file} stores them. The
     * record need not be contiguous (SQLite spreads a blob over overflow pages): a 32-byte window of
     * it that occurs exactly once in the file is found, and the byte in its middle is flipped.
     *
     * @return the file offset of the flipped byte
     */
    public static long flipByteOf(Path file, byte[] record) throws IOException {
        byte[] content = Files.readAllBytes(file);
        // Try windows from the middle of the record outwards: the middle of an encoded image is
        // entropy-coded data, unlike headers that images share.
        int middle = Math.max(0, record.length / 2 - WINDOW / 2);
        for (int step = 0; step < record.length; step += 7) {
            for (int start : new int[] {middle + step, middle - step}) {
                if (start < 0 || start + WINDOW > record.length) {
                    continue;
                }
                byte[] window = Arrays.copyOfRange(record, start, start + WINDOW);
                int at = Fixtures.indexOf(content, window, 0);
                if (at >= 0 && Fixtures.indexOf(content, window, at + 1) < 0) {
                    long offset = at + WINDOW / 2;
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                        raf.seek(offset);
                        int b = raf.read();
                        raf.seek(offset);
                        raf.write(~b & 0xFF);
                    }
                    return offset;
                }
            }
        }
        throw new AssertionError("no part of the record was found once in " + file);
    }

    /** Truncates {@code file} to {@code fraction} of its size; returns the new size. */
    public static long truncate(Path file, double fraction) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = (long) (channel.size() * fraction);
            channel.truncate(size);
            return size;
        }
    }

    /** Asserts that an exception's message names record {@code index} (as "record 7", not "record 71"). */
    public static void assertNamesRecord(Throwable e, int index) {
        assertNotNull(e.getMessage(), "exception without a message: " + e);
        assertTrue(Pattern.compile("\\brecord " + index + "\\b").matcher(e.getMessage()).find(),
                "message does not name record " + index + ": " + e.getMessage());
    }

    /** Asserts that an exception's message names {@code path}. */
    public static void assertNames(Throwable e, Path path) {
        assertNotNull(e.getMessage(), "exception without a message: " + e);
        assertTrue(e.getMessage().contains(path.toString()), "message does not name " + path + ": " + e.getMessage());
    }
}
