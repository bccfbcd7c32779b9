package dev.bale.testing;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.container.Manifest;
import dev.bale.container.RecordReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A container whose readers throw {@code failure} on one record, and read every other from {@code inner}. */
public record ThrowingContainer(Container inner, int failAt, RuntimeException failure) implements Container {
    @Override
    public Path path() {
        return inner.path();
    }

    @Override
    public Layout layout() {
        return inner.layout();
    }

    @Override
    public Manifest manifest() {
        return inner.manifest();
    }

    @Override
    public int[] classIds() {
        return inner.classIds();
    }

    @Override
    public RecordReader newReader() {
        RecordReader reader = inner.newReader();
        return new RecordReader() {
            @Override
            public ByteBuffer read(int index) {
                if (index == failAt) {
                    throw failure;
                }
                return reader.read(index);
            }

            @Override
            public String key(int index) {
                return reader.key(index);
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    @Override
    public long bytesOnDisk() {
        return inner.bytesOnDisk();
    }

    @Override
    public void close() {
    }
}
