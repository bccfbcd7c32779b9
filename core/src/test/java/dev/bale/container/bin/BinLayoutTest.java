package dev.bale.container.bin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Layout;
import dev.bale.testing.Fixtures;
import dev.bale.testing.Fixtures.Image;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bin container can be read without Bale, the way a short Python script would. */
class BinLayoutTest {

    @TempDir
    Path dir;

    @Test
    void indexTsvLocatesEveryRecordInDataBin() throws Exception {
        List<Image> images = Fixtures.images(23, 71);
        Path path = Fixtures.write(Layout.BIN, dir, images);

        String tsv = Files.readString(path.resolve("index.tsv"), StandardCharsets.UTF_8);
        assertTrue(tsv.endsWith("\n"), "index.tsv does not end with a newline");
        // for line in open("index.tsv"): offset, length, label = line.rstrip("\n").split("\t")
        String[] lines = tsv.substring(0, tsv.length() - 1).split("\n", -1);
        assertEquals(images.size(), lines.length, "one line per record");

        long expectedOffset = 0;
        try (RandomAccessFile data = new RandomAccessFile(path.resolve("data.bin").toFile(), "r")) {
            for (int i = 0; i < images.size(); i++) {
                Image image = images.get(i);
                String[] fields = lines[i].split("\t", -1);
                assertEquals(3, fields.length, "line " + (i + 1) + ": " + lines[i]);
                long offset = Long.parseLong(fields[0]);
                int length = Integer.parseInt(fields[1]);
                assertEquals(expectedOffset, offset, "records lie back to back");
                assertEquals(image.length(), length);
                assertEquals(Fixtures.CLASSES.get(image.classId()), unescape(fields[2]), "label of record " + i);

                byte[] bytes = new byte[length];
                data.seek(offset);
                data.readFully(bytes);
                assertArrayEquals(image.bytes(), bytes, "record " + i);
                expectedOffset += length;
            }
            assertEquals(expectedOffset, data.length(), "data.bin holds the records and nothing else");
        }

        List<String> keys = Files.readAllLines(path.resolve("keys.txt"), StandardCharsets.UTF_8);
        assertEquals(images.stream().map(Image::key).toList(), keys);
    }

    /** The inverse of TextEscape: \\ \t \n \r. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = field.charAt(++i);
            out.append(switch (next) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case '\\' -> '\\';
                default -> throw new AssertionError("unknown escape \\" + next + " in " + field);
            });
        }
        return out.toString();
    }
}
