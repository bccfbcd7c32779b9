package dev.bale.fuzz;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * One way of damaging one file, chosen from a seed: what disks, copies and half-finished syncs do.
 * {@link #apply} changes the file and says exactly what it did.
 */
enum Harm {
    BIT_FLIPS, OVERWRITTEN_RANGE, ZEROS, TRUNCATION, APPENDED_GARBAGE, SWAPPED_WORDS, DELETED,
    /** LMDB's data.mdb only: one page or database record of its B+trees ({@link LmdbPageHarm}). */
    LMDB_PAGE;

    /** The kinds that apply to any file (the first ones, so that older seeds pick the same harms). */
    static final int ANY_FILE = LMDB_PAGE.ordinal();

    /** A harm for {@code file}: LMDB page harm only where it applies. */
    static Harm pick(String file, Random rng) {
        boolean lmdb = file.endsWith("data.mdb");
        if (lmdb && Boolean.getBoolean("bale.fuzz.lmdbPagesOnly")) {
            return LMDB_PAGE;
        }
        return values()[rng.nextInt(lmdb ? values().length : ANY_FILE)];
    }

    String apply(Path file, Random rng) throws IOException {
        if (this == LMDB_PAGE) {
            return LmdbPageHarm.apply(file, rng);
        }
        long size = Files.size(file);
        if (this == DELETED) {
            Files.delete(file);
            return "deleted";
        }
        if (size == 0 && this != APPENDED_GARBAGE) {
            Files.write(file, new byte[] {(byte) rng.nextInt()});
            return "empty file given 1 byte";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            switch (this) {
                case BIT_FLIPS -> {
                    int flips = 1 + rng.nextInt(3);
                    StringBuilder what = new StringBuilder("flipped bit");
                    for (int i = 0; i < flips; i++) {
                        long at = (long) (rng.nextDouble() * size);
                        int bit = rng.nextInt(8);
                        raf.seek(at);
                        int b = raf.read();
                        raf.seek(at);
                        raf.write(b ^ (1 << bit));
                        what.append(' ').append(bit).append('@').append(at);
                    }
                    return what.toString();
                }
                case OVERWRITTEN_RANGE, ZEROS -> {
                    int length = (int) Math.min(size, 1 + rng.nextInt(64));
                    long at = (long) (rng.nextDouble() * (size - length + 1));
                    byte[] bytes = new byte[length];
                    if (this == OVERWRITTEN_RANGE) {
                        rng.nextBytes(bytes);
                    }
                    raf.seek(at);
                    raf.write(bytes);
                    return (this == ZEROS ? "zeroed " : "overwrote ") + length + " bytes at " + at;
                }
                case TRUNCATION -> {
                    long to = (long) (rng.nextDouble() * size);
                    raf.setLength(to);
                    return "truncated to " + to + " of " + size;
                }
                case APPENDED_GARBAGE -> {
                    byte[] bytes = new byte[1 + rng.nextInt(200)];
                    rng.nextBytes(bytes);
                    raf.seek(size);
                    raf.write(bytes);
                    return "appended " + bytes.length + " bytes";
                }
                case SWAPPED_WORDS -> {
                    if (size < 8) {
                        raf.setLength(size / 2);
                        return "too short to swap: truncated to " + size / 2;
                    }
                    long a = (long) (rng.nextDouble() * (size - 3)) & ~3L;
                    long b = (long) (rng.nextDouble() * (size - 3)) & ~3L;
                    byte[] wa = new byte[4];
                    byte[] wb = new byte[4];
                    raf.seek(a);
                    raf.readFully(wa);
                    raf.seek(b);
                    raf.readFully(wb);
                    raf.seek(a);
                    raf.write(wb);
                    raf.seek(b);
                    raf.write(wa);
                    return "swapped 4-byte words at " + a + " and " + b;
                }
                default -> throw new IllegalStateException(name());
            }
        }
    }
}
