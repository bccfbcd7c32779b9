package dev.bale.container.tfrecord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.RecordReader;
import dev.bale.testing.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.bale.container.tfrecord.proto.BytesList;
import dev.bale.container.tfrecord.proto.Example;
import dev.bale.container.tfrecord.proto.Feature;
import dev.bale.container.tfrecord.proto.Features;
import dev.bale.container.tfrecord.proto.Int64List;

/** TFRecords from TensorFlow's image dataset builders carry the class name in {@code image/class/text}. */
class TfRecordClassTextTest {
    @TempDir
    Path dir;

    private static final List<String> NAMES = List.of("zebra", "ant", "moth", "bee", "cat");

    private Path write(boolean withLabel) throws IOException {
        Path path = dir.resolve(withLabel ? "labelled.tfrecord" : "text.tfrecord");
        try (OutputStream out = Files.newOutputStream(path)) {
            for (Fixtures.Image image : Fixtures.images(10, 3)) {
                Features.Builder f = Features.newBuilder()
                        .putFeature("image/encoded", bytes(ByteString.copyFrom(image.bytes())))
                        .putFeature("image/class/text", bytes(ByteString.copyFromUtf8(NAMES.get(image.classId()))));
                if (withLabel) {
                    f.putFeature("image/class/label", Feature.newBuilder()
                            .setInt64List(Int64List.newBuilder().addValue(image.classId())).build());
                }
                TfRecordFormatTest.writeFramed(out, Example.newBuilder().setFeatures(f).build().toByteArray());
            }
        }
        return path;
    }

    private static Feature bytes(ByteString value) {
        return Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(value)).build();
    }

    @Test
    void classTextNamesTheIntLabels() throws IOException {
        try (Container c = Containers.open(write(true))) {
            List<Fixtures.Image> images = Fixtures.images(10, 3);
            for (int i = 0; i < images.size(); i++) {
                assertEquals(images.get(i).classId(), c.classIds()[i]);
                assertEquals(NAMES.get(images.get(i).classId()), c.manifest().label(c.classIds()[i]));
            }
        }
    }

    @Test
    void classTextAloneIsTheLabel() throws IOException {
        try (Container c = Containers.open(write(false)); RecordReader r = c.newReader()) {
            List<Fixtures.Image> images = Fixtures.images(10, 3);
            for (int i = 0; i < images.size(); i++) {
                assertEquals(NAMES.get(images.get(i).classId()), c.manifest().label(c.classIds()[i]));
                assertArrayEquals(images.get(i).bytes(), Fixtures.bytes(r.read(i)));
            }
        }
    }
}
