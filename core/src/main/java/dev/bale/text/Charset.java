package dev.bale.text;

import dev.bale.container.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The characters of a text-recognition dataset, as CTC class ids: id 0 is the blank, the code
 * points sorted ascending get ids 1..n, and an optional {@code <unk>} gets n + 1. Immutable.
 */
public final class Charset {
    private final int[] codePoints;
    private final boolean unknown;

    private Charset(int[] codePoints, boolean unknown) {
        this.codePoints = codePoints;
        this.unknown = unknown;
    }

    /** The code points of every label in the container (its class names). */
    public static Charset of(Container container) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String label : container.manifest().classes()) {
            label.codePoints().forEach(set::add);
        }
        return new Charset(set.stream().mapToInt(Integer::intValue).toArray(), false);
    }

    /** The given characters, in any order; duplicates are ignored. */
    public static Charset of(String characters) {
        return new Charset(characters.codePoints().sorted().distinct().toArray(), false);
    }

    /** Every character of a UTF-8 file except line breaks (one per line, or all on one line). */
    public static Charset fromFile(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return of(text.replace("\r", "").replace("\n", ""));
    }

    /** The same characters, plus {@code <unk>} (id {@code size() - 1}) for any character outside them. */
    public Charset withUnknown() {
        return new Charset(codePoints, true);
    }

    /** Number of classes for CTC: blank + characters (+ unk). */
    public int size() {
        return 1 + codePoints.length + (unknown ? 1 : 0);
    }

    /** The {@code <unk>} id, or -1. */
    public int unknownId() {
        return unknown ? codePoints.length + 1 : -1;
    }

    /** The id of a code point: 1.., {@code <unk>}'s, or -1 when absent and there is no unk. */
    public int id(int codePoint) {
        int at = Arrays.binarySearch(codePoints, codePoint);
        return at >= 0 ? at + 1 : unknownId();
    }

    /**
     * The ids of {@code text}'s characters.
     *
     * @throws IllegalArgumentException naming {@code where} (a record) and the character, if one is
     *                                  outside the charset and there is no unk
     */
    public int[] encode(String text, Supplier<String> where) {
        int[] cps = text.codePoints().toArray();
        int[] ids = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            ids[i] = id(cps[i]);
            if (ids[i] < 0) {
                throw new IllegalArgumentException(where.get() + ": label \"" + text + "\" has '"
                        + new String(Character.toChars(cps[i])) + "' (U+" + String.format("%04X", cps[i])
                        + ") at " + i + ", which is not in the charset of " + codePoints.length + " characters");
            }
        }
        return ids;
    }

    /** The text of ids (blank skipped, unk as "\uFFFD"); no CTC collapsing. */
    public String decode(int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            if (id >= 1 && id <= codePoints.length) {
                b.appendCodePoint(codePoints[id - 1]);
            } else if (id == unknownId()) {
                b.append('\uFFFD');
            }
        }
        return b.toString();
    }

    /** The characters in id order, as one string. */
    public String characters() {
        return new String(codePoints, 0, codePoints.length);
    }

    /** Writes the characters, one per line, for {@link #fromFile}. */
    public void save(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int cp : codePoints) {
            b.appendCodePoint(cp).append('\n');
        }
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }
}
