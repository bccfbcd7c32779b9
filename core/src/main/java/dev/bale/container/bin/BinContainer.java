package dev.bale.container.bin;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.ClassIds;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.Handles;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.MappedFile;
import dev.bale.container.MetaFiles;
import dev.bale.container.RecordReader;
import dev.bale.container.Seal;
import dev.bale.container.Sealed;
import dev.bale.container.TextEscape;
import dev.bale.container.UnchecksummedContainerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private final Sealed sealed;
    private final Handles handles;
    private volatile List<String> keys;

    private BinContainer(Path path, Sealed sealed, BinIndex index, MappedFile data, int[] classIds) {
        this.path = path;
        this.manifest = sealed.manifest();
        this.sealed = sealed;
        this.index = index;
        this.data = data;
        this.classIds = classIds;
        // The map is released by the garbage collector (Java 17 has no safe unmap): nothing to free.
        this.handles = new Handles(path, () -> { });
    }

    public static BinContainer open(Path path) throws IOException {
        return open(path, false);
    }

    /** Opens; with {@code acceptUnchecksummed} also a container written before metadata checksums. */
    public static BinContainer open(Path path, boolean acceptUnchecksummed) throws IOException {
        Path manifestFile = path.resolve(MANIFEST);
        Sealed sealed = Seal.read(MetaFiles.read(manifestFile), manifestFile);
        UnchecksummedContainerException.check(sealed, acceptUnchecksummed, path);
        Manifest manifest = sealed.manifest();
        Path indexFile = path.resolve(INDEX);
        BinIndex index = BinIndex.open(indexFile, sealed);
        if (index.count() != manifest.count()) {
            throw new CorruptContainerException(path + ": manifest says " + manifest.count()
                    + " records, index holds " + index.count());
        }
        Path dataFile = path.resolve(DATA);
        if (!Files.exists(dataFile)) {
            throw new CorruptContainerException(dataFile + ": missing");
        }
        sealed.verifyBytes(DATA, Files.size(dataFile), dataFile);
        int[] classIds = new int[index.count()];
        long longest = 0;
        for (int i = 0; i < classIds.length; i++) {
            classIds[i] = index.classId(i);
            longest = Math.max(longest, index.length(i));
        }
        ClassIds.validate(classIds, sealed, path);
        return new BinContainer(path, sealed, index, MappedFile.map(dataFile, longest), classIds);
    }

    @Override
    public boolean metadataChecksummed() {
        return sealed.checksummed();
    }

    /**
     * {@code keys.txt} and {@code index.tsv} against their recorded checksums, and every line of
     * {@code index.tsv} against {@code index.bin} and the class list.
     */
    @Override
    public List<String> verifyMetadata() {
        List<String> problems = new ArrayList<>();
        try {
            checkKeys(loadKeysFile());
        } catch (CorruptContainerException | IOException e) {
            problems.add(e.getMessage());
        }
        Path tsv = path.resolve(TEXT_INDEX);
        try {
            byte[] bytes = MetaFiles.read(tsv);
            sealed.verify(TEXT_INDEX, Check.of(bytes), tsv);
            String[] lines = MetaFiles.utf8(bytes, tsv).split("\n", -1);
            if (lines.length != index.count() + 1 || !lines[index.count()].isEmpty()) {
                throw new CorruptContainerException(tsv + ": " + (lines.length - 1) + " lines for " + index.count() + " records");
            }
            for (int i = 0; i < index.count(); i++) {
                String expected = index.offset(i) + "\t" + index.length(i) + "\t"
                        + TextEscape.escape(Manifest.className(manifest.classes(), classIds[i]));
                if (!lines[i].equals(expected)) {
                    throw new CorruptContainerException(tsv + " line " + (i + 1) + ": '" + MetaFiles.escape(lines[i])
                            + "' does not match " + INDEX + " (record " + i + ": '" + MetaFiles.escape(expected) + "')");
                }
            }
        } catch (CorruptContainerException | IOException e) {
            problems.add(e.getMessage());
        }
        return problems;
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
        handles.acquire();
        return new RecordReader() {
            private boolean closed;

            @Override
            public ByteBuffer read(int i) {
                handles.ensureOpen();
                return BinContainer.this.read(i);
            }

            @Override
            public String key(int i) {
                handles.ensureOpen();
                return BinContainer.this.key(i);
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    handles.releaseReader();
                }
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
        try {
            return checkKeys(loadKeysFile());
        } catch (IOException e) {
            throw new CorruptContainerException(path.resolve(KEYS) + ": cannot read: " + e.getMessage(), e);
        }
    }

    private byte[] loadKeysFile() throws IOException {
        Path file = path.resolve(KEYS);
        byte[] bytes = MetaFiles.read(file);
        sealed.verify(KEYS, Check.of(bytes), file);
        return bytes;
    }

    private List<String> checkKeys(byte[] bytes) {
        Path file = path.resolve(KEYS);
        String text = MetaFiles.utf8(bytes, file);
        List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
        if (!text.isEmpty() && !lines.get(lines.size() - 1).isEmpty()) {
            throw new CorruptContainerException(file + ": the last line has no newline (truncated?)");
        }
        lines = lines.isEmpty() ? lines : lines.subList(0, lines.size() - 1);
        if (lines.size() != index.count()) {
            throw new CorruptContainerException(file + ": " + lines.size() + " keys for " + index.count() + " records");
        }
        return lines;
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
        handles.close();
    }
}
