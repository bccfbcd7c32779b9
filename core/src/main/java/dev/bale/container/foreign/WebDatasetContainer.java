package dev.bale.container.foreign;

import dev.bale.container.CorruptContainerException;
import dev.bale.container.MappedFile;
import dev.bale.container.RecordReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * WebDataset shards: one {@code .tar} or a brace list ({@code shards-{000000..000099}.tar}). Each tar
 * is indexed once (commons-compress lists its members and where each member's bytes start), then
 * mapped; members are grouped into samples by their name up to the first dot of the file name. A
 * sample's image ({@code .jpg}, {@code .jpeg}, {@code .png}) is read as a slice of the map; its
 * label is {@code .cls} (an integer) or else {@code .txt} (text).
 */
final class WebDatasetContainer extends ForeignContainer {
    private static final Pattern BRACE = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern RANGE = Pattern.compile("(\\d+)\\.\\.(\\d+)");
    private static final int MAX_SHARDS = 1 << 20;
    private static final int MAX_LABEL_BYTES = 1 << 16;

    private final List<Path> shards;
    private final MappedFile[] maps;
    private final int[] shardOf;
    private final long[] offsets;
    private final int[] lengths;
    private final String[] keys;

    private WebDatasetContainer(Path path, List<Path> shards, MappedFile[] maps, int[] shardOf, long[] offsets,
                                int[] lengths, String[] keys, ForeignLabels labels, long dataBytes, Description d) {
        super(path, ForeignKind.WEBDATASET, labels, dataBytes, d);
        this.shards = shards;
        this.maps = maps;
        this.shardOf = shardOf;
        this.offsets = offsets;
        this.lengths = lengths;
        this.keys = keys;
    }

    static boolean isBraceList(Path path) {
        return BRACE.matcher(path.getFileName() == null ? "" : path.getFileName().toString()).find();
    }

    /** {@code a-{00..02}.tar} to a-00.tar, a-01.tar, a-02.tar; {@code {x,y}} to both; several braces multiply. */
    static List<String> expand(String pattern) {
        Matcher m = BRACE.matcher(pattern);
        if (!m.find()) {
            return List.of(pattern);
        }
        List<String> choices = new ArrayList<>();
        Matcher range = RANGE.matcher(m.group(1));
        if (range.matches()) {
            long from = Long.parseLong(range.group(1));
            long to = Long.parseLong(range.group(2));
            if (to < from || to - from >= MAX_SHARDS) {
                throw new IllegalArgumentException("shard range {" + m.group(1) + "} is empty or too long");
            }
            int width = range.group(1).length();
            for (long v = from; v <= to; v++) {
                choices.add(String.format(Locale.ROOT, "%0" + width + "d", v));
            }
        } else {
            choices.addAll(List.of(m.group(1).split(",", -1)));
        }
        List<String> out = new ArrayList<>();
        for (String choice : choices) {
            for (String rest : expand(pattern.substring(m.end()))) {
                out.add(pattern.substring(0, m.start()) + choice + rest);
                if (out.size() > MAX_SHARDS) {
                    throw new IllegalArgumentException("more than " + MAX_SHARDS + " shards");
                }
            }
        }
        return out;
    }

    static WebDatasetContainer open(Path path) throws IOException {
        List<Path> shards = new ArrayList<>();
        if (isBraceList(path)) {
            Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
            for (String name : expand(path.getFileName().toString())) {
                shards.add(dir.resolve(name));
            }
        } else if (Files.isDirectory(path)) {
            try (var list = Files.list(path)) {
                shards.addAll(list.filter(p -> p.getFileName().toString().endsWith(".tar")).sorted().toList());
            }
            if (shards.isEmpty()) {
                throw new NotThisKind("no .tar shards in the folder");
            }
        } else {
            shards.add(path);
        }
        for (Path shard : shards) {
            if (!Files.isRegularFile(shard)) {
                throw new NotThisKind("shard " + shard + " does not exist");
            }
            if (!isTar(shard)) {
                throw new NotThisKind(shard.getFileName() + " is not a tar archive (no ustar header)");
            }
        }
        Map<String, Sample> samples = new LinkedHashMap<>();
        MappedFile[] maps = new MappedFile[shards.size()];
        for (int s = 0; s < shards.size(); s++) {
            Path shard = shards.get(s);
            long size = Files.size(shard);
            long longest = 0;
            try (TarFile tar = new TarFile(shard)) {
                for (TarArchiveEntry entry : tar.getEntries()) {
                    if (!entry.isFile()) {
                        continue;
                    }
                    String name = entry.getName();
                    if (entry.isSparse() || entry.getDataOffset() < 0 || entry.getSize() < 0
                            || entry.getSize() > Integer.MAX_VALUE - 1 || entry.getDataOffset() > size - entry.getSize()) {
                        throw new CorruptContainerException(shard + ": member " + name + ": its bytes ("
                                + entry.getSize() + " at " + entry.getDataOffset() + ") do not lie inside the file");
                    }
                    int slash = name.lastIndexOf('/');
                    int dot = name.indexOf('.', slash + 1);
                    if (dot < 0) {
                        continue;
                    }
                    String key = name.substring(0, dot);
                    String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
                    Sample sample = samples.computeIfAbsent(shards.size() > 1 ? key + "@" + s : key, k -> new Sample(key));
                    Member member = new Member(s, entry.getDataOffset(), (int) entry.getSize());
                    switch (ext) {
                        case "jpg", "jpeg", "png" -> {
                            if (sample.image == null) {
                                sample.image = member;
                            }
                        }
                        case "cls" -> sample.cls = member;
                        case "txt" -> sample.txt = member;
                        default -> {
                        }
                    }
                    longest = Math.max(longest, entry.getSize());
                }
            } catch (IOException e) {
                throw new CorruptContainerException(shard + ": not a readable tar: " + e.getMessage(), e);
            }
            maps[s] = MappedFile.map(shard, Math.max(longest, 1));
        }
        int n = samples.size();
        int[] shardOf = new int[n];
        long[] offsets = new long[n];
        int[] lengths = new int[n];
        String[] keys = new String[n];
        List<String> labels = new ArrayList<>(n);
        Description description = new Description();
        long total = 0;
        int i = 0;
        for (Sample sample : samples.values()) {
            keys[i] = sample.key;
            description.key(sample.key);
            String label = null;
            Member labelMember = sample.cls != null ? sample.cls : sample.txt;
            if (labelMember != null && labelMember.length <= MAX_LABEL_BYTES) {
                label = StandardCharsets.UTF_8.decode(maps[labelMember.shard].slice(labelMember.offset, labelMember.length))
                        .toString().strip();
                if (sample.cls != null && !label.matches("\\d{1,7}")) {
                    description.bad("record " + i + " (" + sample.key + "): .cls is not a class number: " + label);
                    label = null;
                }
            }
            labels.add(label);
            if (sample.image == null) {
                shardOf[i] = -1;
                description.bad("record " + i + " (" + sample.key + "): no .jpg/.jpeg/.png member");
            } else {
                shardOf[i] = sample.image.shard;
                offsets[i] = sample.image.offset;
                lengths[i] = sample.image.length;
                total += sample.image.length;
                if (i < 100) {
                    description.format(encodedFormat(maps[shardOf[i]].slice(offsets[i], lengths[i])));
                }
            }
            i++;
        }
        description.evidence = shards.size() + " tar shard" + (shards.size() == 1 ? "" : "s") + " (" + shards.get(0).getFileName()
                + (shards.size() > 1 ? " ... " + shards.get(shards.size() - 1).getFileName() : "")
                + "), members grouped by basename into " + n + " samples";
        return new WebDatasetContainer(path, List.copyOf(shards), maps, shardOf, offsets, lengths, keys,
                ForeignLabels.of(labels), total, description);
    }

    private static boolean isTar(Path file) throws IOException {
        byte[] head = new byte[512];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return n == 512 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    }

    private static final class Sample {
        final String key;
        Member image;
        Member cls;
        Member txt;

        Sample(String key) {
            this.key = key;
        }
    }

    private record Member(int shard, long offset, int length) {
    }

    @Override
    public long bytesOnDisk() {
        long total = 0;
        for (Path shard : shards) {
            try {
                total += Files.size(shard);
            } catch (IOException e) {
                // gone since opening: counts nothing
            }
        }
        return total;
    }

    @Override
    public RecordReader newReader() {
        return new RecordReader() {
            @Override
            public ByteBuffer read(int i) {
                java.util.Objects.checkIndex(i, keys.length);
                if (shardOf[i] < 0) {
                    throw corrupt(i, keys[i], "the sample has no image member");
                }
                if (lengths[i] == 0) {
                    throw corrupt(i, keys[i], "the image member is empty");
                }
                return maps[shardOf[i]].slice(offsets[i], lengths[i]);
            }

            @Override
            public String key(int i) {
                return keys[java.util.Objects.checkIndex(i, keys.length)];
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        // Mappings are released by the garbage collector.
    }
}
