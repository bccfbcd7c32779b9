package dev.bale.container.foreign;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.MappedFile;
import dev.bale.container.RecordReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A data file plus a text index of {@code offset<TAB>length[<TAB>label]} lines, the "concatenate the
 * files and write their offsets" recipe. Every line is checked against the data file's size when
 * opening; the data file is mapped once and records are slices of the map.
 */
final class PlainBinContainer extends ForeignContainer {
    private static final Pattern LINE = Pattern.compile("(\\d+)\t(-?\\d+)(?:\t(.*))?");

    private final Path data;
    private final Path index;
    private final MappedFile map;
    private final long[] offsets;
    private final int[] lengths;

    private PlainBinContainer(Path path, Path data, Path index, MappedFile map, long[] offsets, int[] lengths, ForeignLabels labels,
                              long dataBytes, Description description) {
        super(path, ForeignKind.PLAIN_BIN, labels, dataBytes, description);
        this.data = data;
        this.index = index;
        this.map = map;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    /** Whether the first line of {@code file} looks like an index line. */
    static boolean looksLikeIndex(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            char[] head = new char[4096];
            int n = reader.read(head);
            if (n <= 0) {
                return false;
            }
            String first = new String(head, 0, n).split("\n", 2)[0].replace("\r", "");
            return LINE.matcher(first).matches();
        } catch (IOException | RuntimeException e) {
            return false; // binary, unreadable or not UTF-8: not an index
        }
    }

    /**
     * Finds the data file and the index: {@code path} is the data file when {@code index} is given,
     * else a folder holding one index and one data file.
     *
     * @throws NotThisKind with the reason when they cannot be found
     */
    static PlainBinContainer open(Path path, Path index) throws IOException {
        Path data;
        if (index != null) {
            if (Files.isDirectory(path)) {
                throw new NotThisKind("with --index, name the data file, not a folder");
            }
            data = path;
        } else {
            if (!Files.isDirectory(path)) {
                throw new NotThisKind("a single file; name its text index with --index FILE");
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(path)) {
                files = list.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                        .sorted().toList();
            }
            List<Path> indexes = files.stream().filter(PlainBinContainer::looksLikeIndex).toList();
            if (indexes.size() != 1) {
                throw new NotThisKind(indexes.isEmpty() ? "no file whose lines are offset<TAB>length[<TAB>label]"
                        : "more than one index-like file (" + names(indexes) + "); name one with --index");
            }
            index = indexes.get(0);
            Path only = index;
            List<Path> others = files.stream().filter(f -> !f.equals(only)).toList();
            if (others.size() != 1) {
                String stem = stem(index);
                others = others.stream().filter(f -> stem(f).equals(stem)).toList();
            }
            if (others.size() != 1) {
                throw new NotThisKind("index " + index.getFileName() + " found, but not exactly one data file beside it");
            }
            data = others.get(0);
        }
        long size = Files.size(data);
        List<Long> offsets = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long longest = 0;
        long total = 0;
        try (BufferedReader reader = Files.newBufferedReader(index, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                var m = LINE.matcher(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                String where = index + " line " + number;
                if (!m.matches()) {
                    throw new CorruptContainerException(where + ": not offset<TAB>length[<TAB>label]: " + abbreviate(line));
                }
                long offset;
                long length;
                try {
                    offset = Long.parseLong(m.group(1));
                    length = Long.parseLong(m.group(2));
                } catch (NumberFormatException e) {
                    throw new CorruptContainerException(where + ": offset or length is too large: " + abbreviate(line));
                }
                if (length <= 0) {
                    throw new CorruptContainerException(where + ": length " + length + " (a record must have bytes)");
                }
                if (length > Integer.MAX_VALUE - 1 || offset > size - length) {
                    throw new CorruptContainerException(where + ": bytes [" + offset + ", " + (offset + length)
                            + ") lie past the end of " + data.getFileName() + " (" + size + " bytes)");
                }
                offsets.add(offset);
                lengths.add((int) length);
                labels.add(m.group(3));
                longest = Math.max(longest, length);
                total += length;
            }
        }
        MappedFile map = MappedFile.map(data, longest);
        Description description = new Description();
        description.evidence = "data file " + data.getFileName() + " (" + size + " bytes) with text index "
                + index.getFileName() + " (" + offsets.size() + " lines of offset<TAB>length"
                + (labels.stream().anyMatch(l -> l != null) ? "<TAB>label" : "") + ", every range inside the data file)";
        long[] offsetArray = offsets.stream().mapToLong(Long::longValue).toArray();
        int[] lengthArray = lengths.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < offsetArray.length; i++) {
            description.key(key(data, i));
            if (i < 100) {
                description.format(encodedFormat(map.slice(offsetArray[i], lengthArray[i])));
            }
        }
        return new PlainBinContainer(path, data, index, map, offsetArray, lengthArray,
                ForeignLabels.of(labels), total, description);
    }

    private static String key(Path data, int i) {
        return data.getFileName() + "#" + i;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String names(List<Path> files) {
        return String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList());
    }

    static String abbreviate(String line) {
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }

    @Override
    public long bytesOnDisk() {
        try {
            return Files.size(data) + Files.size(index);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public RecordReader newReader() {
        return new RecordReader() {
            @Override
            public ByteBuffer read(int i) {
                java.util.Objects.checkIndex(i, offsets.length);
                return map.slice(offsets[i], lengths[i]);
            }

            @Override
            public String key(int i) {
                java.util.Objects.checkIndex(i, offsets.length);
                return PlainBinContainer.key(data, i);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        // The mapping is released by the garbage collector.
    }
}
