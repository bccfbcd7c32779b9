package dev.bale.container.bin;

import dev.bale.container.Checksums;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.MappedFile;
import dev.bale.container.RecordReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a bin container: {@code data.bin} memory-mapped once and shared by every reader, records
 * located through {@code index.bin}. A buffer handed out is a slice of the map: valid while the
 * container is open (which is longer than {@link RecordReader#read} promises).
 */
public final class BinContainer implements Container {
    public static final String DATA = "data.bin";
    public static final String INDEX = "index.bin";
    public static final String TEXT_INDEX = "index.tsv";
    public static final String KEYS = "keys.txt";
    public static final String MANIFEST = "manifest.json";

    private final Path path;
    private final Manifest manifest;
    private final BinIndex index;
    private final MappedFile data;
    private final int[] classIds;
    private volatile List<String> keys;

    private BinContainer(Path path, Manifest manifest, BinIndex index, MappedFile data, int[] classIds) {
        this.path = path;
        this.manifest = manifest;
        this.index = index;
        this.data = data;
        this.classIds = classIds;
    }

    public static BinContainer open(Path path) throws IOException {
        Manifest manifest = Manifest.fromJson(Files.readString(path.resolve(MANIFEST)), path.resolve(MANIFEST).toString());
        BinIndex index = BinIndex.open(path.resolve(INDEX));
        if (index.count() != manifest.count()) {
            throw new CorruptContainerException(path + ": manifest says " + manifest.count()
                    + " records, index holds " + index.count());
        }
        int[] classIds = new int[index.count()];
        long longest = 0;
        for (int i = 0; i < classIds.length; i++) {
            classIds[i] = index.classId(i);
            longest = Math.max(longest, index.length(i));
        }
        return new BinContainer(path, manifest, index, MappedFile.map(path.resolve(DATA), longest), classIds);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Layout layout() {
        return Layout.BIN;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public int[] classIds() {
        return classIds;
    }

    @Override
    public long bytesOnDisk() {
        return Containers.bytesOnDisk(Layout.BIN, path);
    }

    @Override
    public RecordReader newReader() {
        return new RecordReader() {
            @Override
            public ByteBuffer read(int i) {
                return BinContainer.this.read(i);
            }

            @Override
            public String key(int i) {
                return BinContainer.this.key(i);
            }

            @Override
            public void close() {
            }
        };
    }

    private ByteBuffer read(int i) {
        java.util.Objects.checkIndex(i, index.count());
        long offset = index.offset(i);
        int length = index.length(i);
        // The index may be damaged: nothing outside the file may be sliced.
        if (!data.contains(offset, length)) {
            throw corrupt(i, "index entry points outside " + DATA + " (offset " + offset + ", length " + length
                    + ", file " + data.size() + " bytes)");
        }
        ByteBuffer bytes = data.slice(offset, length);
        if (Checksums.crc32c(bytes) != index.crc(i)) {
            throw corrupt(i, "checksum mismatch in " + DATA + " at offset " + offset);
        }
        return bytes;
    }

    private String key(int i) {
        java.util.Objects.checkIndex(i, index.count());
        List<String> all = keys;
        if (all == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = loadKeys();
                }
                all = keys;
            }
        }
        return all.get(i);
    }

    private List<String> loadKeys() {
        Path file = path.resolve(KEYS);
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() != index.count()) {
                throw new CorruptContainerException(file + ": " + lines.size() + " keys for " + index.count() + " records");
            }
            return lines;
        } catch (IOException e) {
            throw new CorruptContainerException(file + ": cannot read keys: " + e.getMessage(), e);
        }
    }

    private CorruptContainerException corrupt(int i, String what) {
        String key;
        try {
            key = key(i);
        } catch (RuntimeException e) {
            key = "?";
        }
        return new CorruptContainerException(path + ": record " + i + " (" + key + "): " + what);
    }

    @Override
    public void close() {
        // Mappings are released by the garbage collector; Java 17 has no safe explicit unmap.
    }
}
