package dev.bale.pack;

import dev.bale.source.Source;
import dev.bale.source.SourceEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;

/** A pack input of small files on disk, as a {@link Source} lists them. */
public final class SourceInput implements PackInput {
    private final Source source;

    public SourceInput(Source source) {
        this.source = source;
    }

    @Override
    public int size() {
        return source.size();
    }

    @Override
    public List<String> classes() {
        return source.classes();
    }

    @Override
    public String key(int index) {
        return source.entries().get(index).key();
    }

    @Override
    public int classId(int index) {
        return source.classId(index);
    }

    @Override
    public String describe(int index) {
        SourceEntry entry = source.entries().get(index);
        return entry.origin().equals(entry.file().toString()) ? entry.origin() : entry.origin() + ": " + entry.file();
    }

    @Override
    public long sizeHint() {
        return 0;
    }

    @Override
    public long recordBytes(int index) {
        try {
            return Files.size(source.entries().get(index).file());
        } catch (IOException e) {
            return 0; // a missing file is found, and named, when it is packed
        }
    }

    @Override
    public ByteBuffer load(int index) throws IOException {
        SourceEntry entry = source.entries().get(index);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry.file());
        } catch (NoSuchFileException e) {
            throw new BadRecordException(index, describe(index), "file not found");
        } catch (AccessDeniedException e) {
            throw new BadRecordException(index, describe(index), "permission denied");
        } catch (IOException e) {
            if (Files.isDirectory(entry.file())) {
                throw new BadRecordException(index, describe(index), "is a folder, not a file");
            }
            throw new BadRecordException(index, describe(index), "cannot read: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw new BadRecordException(index, describe(index), "empty file");
        }
        return ByteBuffer.wrap(bytes);
    }
}
