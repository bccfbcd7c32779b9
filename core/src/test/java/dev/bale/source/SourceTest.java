package dev.bale.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTest {
    @TempDir
    Path dir;

    private void touch(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
    }

    @Test
    void folderFollowsImageFolderOrder() throws IOException {
        touch("dog/b.jpg");
        touch("dog/a.png");
        touch("cat/x/2.jpeg");
        touch("cat/1.JPG");
        touch("cat/notes.txt");
        touch("stray.jpg");
        Source source = Source.folder(dir);
        assertEquals(List.of("cat", "dog"), source.classes());
        assertEquals(List.of("cat/1.JPG", "cat/x/2.jpeg", "dog/a.png", "dog/b.jpg"),
                source.entries().stream().map(SourceEntry::key).toList());
        assertEquals(List.of(0, 0, 1, 1), List.of(source.classId(0), source.classId(1), source.classId(2), source.classId(3)));
    }

    @Test
    void folderWithoutClassFoldersIsRefused() throws IOException {
        touch("a.jpg");
        BadSourceException e = assertThrows(BadSourceException.class, () -> Source.folder(dir));
        assertTrue(e.getMessage().contains("no class folders"), e.getMessage());
    }

    private Path list(String text) throws IOException {
        Path file = dir.resolve("list.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void listWithTextLabelsKeepsTheTextAndSortsClasses() throws IOException {
        Source source = Source.list(list("\uFEFFa.png\thello world\n\nb.png\tÄpfel\r\nc.png\thello world\n"), dir);
        assertEquals(List.of("hello world", "Äpfel"), source.classes());
        assertEquals(3, source.size());
        assertEquals("a.png", source.entries().get(0).key());
        assertEquals("Äpfel", source.entries().get(1).label());
        assertEquals(1, source.classId(1));
        assertEquals(dir.resolve("b.png"), source.entries().get(1).file());
    }

    @Test
    void listWithIntegerLabelsUsesThemAsClassIds() throws IOException {
        Source source = Source.list(list("a.png\t3\nb.png\t0\n"), dir);
        assertEquals(List.of("0", "1", "2", "3"), source.classes());
        assertEquals(3, source.classId(0));
        assertEquals(0, source.classId(1));
    }

    @Test
    void labelsWithLeadingZerosStayText() throws IOException {
        Source source = Source.list(list("a.png\t007\nb.png\t7\n"), dir);
        assertEquals(List.of("007", "7"), source.classes());
    }

    @Test
    void malformedLineIsNamed() throws IOException {
        Path file = list("a.png\t1\n\nno-tab-here\n");
        BadSourceException e = assertThrows(BadSourceException.class, () -> Source.list(file, dir));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("no-tab-here"), e.getMessage());
    }

    @Test
    void emptyLabelAndEmptyPathAreNamed() throws IOException {
        Path noLabel = list("a.png\t\n");
        assertTrue(assertThrows(BadSourceException.class, () -> Source.list(noLabel, dir)).getMessage().contains("line 1"));
        Path noPath = list("a.png\t1\n\tcat\n");
        assertTrue(assertThrows(BadSourceException.class, () -> Source.list(noPath, dir)).getMessage().contains("line 2"));
    }

    @Test
    void duplicatePathNamesBothLines() throws IOException {
        Path file = list("a.png\t1\nb.png\t1\na.png\t2\n");
        BadSourceException e = assertThrows(BadSourceException.class, () -> Source.list(file, dir));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void invalidUtf8IsNamed() throws IOException {
        Path file = dir.resolve("list.txt");
        Files.write(file, new byte[] {'a', '\t', '1', '\n', 'b', '\t', (byte) 0xC3, (byte) 0x28, '\n'});
        BadSourceException e = assertThrows(BadSourceException.class, () -> Source.list(file, dir));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void missingListFileIsNamed() {
        BadSourceException e = assertThrows(BadSourceException.class, () -> Source.list(dir.resolve("nope.txt"), dir));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
    }
}
