package dev.bale.container.bin;

import dev.bale.container.Check;
import dev.bale.container.Checksums;
import dev.bale.container.ClassIds;
import dev.bale.container.ContainerWriter;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.Seal;
import dev.bale.container.TextEscape;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a bin container folder: data, binary index, text index, keys, then the manifest last. */
public final class BinWriter implements ContainerWriter {
    private static final int STAGING = 1 << 20;

    private final Path path;
    private final List<String> classes;
    private final FileChannel data;
    private final BufferedWriter textIndex;
    private final BufferedWriter keys;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING);
    private ByteBuffer entries = ByteBuffer.allocate(BinIndex.ENTRY * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long offset;
    private int count;
    private boolean finished;

    public BinWriter(Path path, List<String> classes) throws IOException {
        this.path = path;
        this.classes = List.copyOf(classes);
        Files.createDirectory(path);
        this.data = FileChannel.open(path.resolve(BinContainer.DATA), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.textIndex = Files.newBufferedWriter(path.resolve(BinContainer.TEXT_INDEX), StandardCharsets.UTF_8);
        this.keys = Files.newBufferedWriter(path.resolve(BinContainer.KEYS), StandardCharsets.UTF_8);
    }

    @Override
    public void append(String key, int classId, ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        int crc = Checksums.crc32c(bytes);
        if (length > staging.remaining()) {
            flushStaging();
        }
        if (length > staging.capacity()) {
            writeFully(bytes.duplicate());
        } else {
            staging.put(bytes.duplicate());
        }
        if (entries.remaining() < BinIndex.ENTRY) {
            entries = ByteBuffer.allocate(entries.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN).put(entries.flip());
        }
        BinIndex.putEntry(entries, offset, length, crc, classId);
        textIndex.write(offset + "\t" + length + "\t" + TextEscape.escape(Manifest.className(classes, classId)) + "\n");
        keys.write(key);
        keys.write('\n');
        offset += length;
        count++;
    }

    @Override
    public void finish() throws IOException {
        flushStaging();
        data.force(true);
        data.close();
        textIndex.close();
        keys.close();
        try (FileChannel index = FileChannel.open(path.resolve(BinContainer.INDEX), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            index.write(BinIndex.header(count));
            entries.flip();
            while (entries.hasRemaining()) {
                index.write(entries);
            }
            index.force(true);
        }
        // Read back what is on disk: the checksums then cover exactly the bytes a reader will see.
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put(BinContainer.DATA, new Check(offset, 0));
        for (String file : List.of(BinContainer.INDEX, BinContainer.TEXT_INDEX, BinContainer.KEYS)) {
            checks.put(file, Check.of(Files.readAllBytes(path.resolve(file))));
        }
        checks.put(Seal.CLASS_IDS, ClassIds.check(classIds()));
        Files.writeString(path.resolve(BinContainer.MANIFEST),
                Seal.write(Manifest.of(Layout.BIN, count, classes, offset), checks), StandardCharsets.UTF_8);
        finished = true;
    }

    private int[] classIds() {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = entries.getInt(i * BinIndex.ENTRY + 16);
        }
        return ids;
    }

    private void flushStaging() throws IOException {
        staging.flip();
        writeFully(staging);
        staging.clear();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            data.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        if (!finished) {
            data.close();
            textIndex.close();
            keys.close();
        }
    }
}
