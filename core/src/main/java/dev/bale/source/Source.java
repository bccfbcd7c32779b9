package dev.bale.source;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A dataset of small image files in record order, with its classes. Made from a folder tree (one
 * sub-folder per class, as torchvision's ImageFolder) or from a list file.
 */
public final class Source {
    /** The file name extensions torchvision's ImageFolder accepts. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff", "webp");

    private final Path root;
    private final List<SourceEntry> entries;
    private final Labels labels;

    private Source(Path root, List<SourceEntry> entries, Labels labels) {
        this.root = root;
        this.entries = List.copyOf(entries);
        this.labels = labels;
    }

    /**
     * ImageFolder's convention: each sub-folder of {@code root} is a class, class ids follow the
     * sorted folder names, and a class's images (found recursively) come in sorted path order.
     */
    public static Source folder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BadSourceException(root + ": not a folder");
        }
        List<Path> classDirs;
        try (Stream<Path> children = Files.list(root)) {
            classDirs = children.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new BadSourceException(root + ": no class folders (expected one sub-folder per class)");
        }
        List<SourceEntry> entries = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Path classDir : classDirs) {
            String label = classDir.getFileName().toString();
            List<Path> images;
            try (Stream<Path> walk = Files.walk(classDir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
                images = walk.filter(Files::isRegularFile).filter(Source::isImageName).sorted().toList();
            }
            for (Path image : images) {
                String key = root.relativize(image).toString().replace('\\', '/');
                checkKey(key, image.toString());
                entries.add(new SourceEntry(image, key, label, image.toString()));
                labels.add(label);
            }
        }
        if (entries.isEmpty()) {
            throw new BadSourceException(root + ": the class folders hold no images (extensions: "
                    + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return new Source(root, entries, Labels.of(labels, true));
    }

    /**
     * A list file: one {@code relative/path<TAB>label} per line, UTF-8 (a BOM is tolerated), blank
     * lines ignored, paths relative to {@code root}. Integer labels are class ids; text labels are
     * mapped to ids in sorted order.
     */
    public static Source list(Path listFile, Path root) throws IOException {
        byte[] text;
        try {
            text = Files.readAllBytes(listFile);
        } catch (NoSuchFileException e) {
            throw new BadSourceException(listFile + ": list file not found");
        }
        return list(text, listFile.toString(), root);
    }

    /**
     * A list file's bytes, read from anywhere (a Hadoop filesystem, say); {@code listName} names it in
     * entries' origins and in error messages. Parsed exactly as {@link #list(Path, Path)}.
     */
    public static Source list(byte[] text, String listName, Path root) {
        List<SourceEntry> entries = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int lineNo = 0;
        for (int start = 0; start < text.length; ) {
            int end = start;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                // Decoded line by line, so that a bad byte is reported on its own line.
                line = decoder.decode(java.nio.ByteBuffer.wrap(text, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new BadSourceException(listName + " line " + lineNo + ": not valid UTF-8");
            }
            start = end + 1;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            String where = listName + " line " + lineNo;
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new BadSourceException(where + ": expected 'relative/path<TAB>label', found no tab: '"
                        + abbreviate(line) + "'");
            }
            String key = line.substring(0, tab).trim().replace('\\', '/');
            String label = line.substring(tab + 1);
            if (key.isEmpty()) {
                throw new BadSourceException(where + ": empty path");
            }
            if (label.isEmpty()) {
                throw new BadSourceException(where + ": empty label for " + key);
            }
            Integer earlier = seen.putIfAbsent(key, lineNo);
            if (earlier != null) {
                throw new BadSourceException(where + ": " + key + " is already listed on line " + earlier);
            }
            entries.add(new SourceEntry(root.resolve(key).normalize(), key, label, where));
            labels.add(label);
        }
        if (entries.isEmpty()) {
            throw new BadSourceException(listName + ": no entries");
        }
        return new Source(root, entries, Labels.of(labels, false));
    }

    private static boolean isImageName(Path file) {
        return isImageName(file.getFileName().toString());
    }

    /** Whether a file name has one of {@link #IMAGE_EXTENSIONS}, as ImageFolder decides (case aside). */
    public static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Refuses a key that would break a list file or an index line; {@code where} names the file. */
    public static void checkKey(String key, String where) {
        if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0 || key.indexOf('\t') >= 0) {
            throw new BadSourceException(where + ": a path with a tab or line break cannot be a record key");
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    public Path root() {
        return root;
    }

    public List<SourceEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    /** Class names, index = class id. */
    public List<String> classes() {
        return labels.classes();
    }

    public int classId(int index) {
        return labels.classId(index);
    }
}
