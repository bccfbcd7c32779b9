package dev.bale.loader;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;

/** Works out (channels, height, width) of a decoded sample, before the first batch. */
final class SampleShape {
    private SampleShape() {
    }

    static int[] of(Container container, Transform transform) {
        if (container.size() == 0) {
            throw new IllegalArgumentException(container.path() + ": the container has no records");
        }
        try (RecordReader reader = container.newReader()) {
            ImageHeader first = header(reader, 0);
            int channels = switch (transform.channels()) {
                case GRAY -> 1;
                case RGB -> 3;
                case AUTO -> first.channels() == 1 || first.channels() == 2 ? 1 : 3;
            };
            if (transform.mode() != Transform.Mode.NONE) {
                return new int[] {channels, transform.crop(), transform.crop()};
            }
            // No resize: every image must have the first one's size. Find out now, not mid-epoch.
            for (int i = 1; i < container.size(); i++) {
                ImageHeader other = header(reader, i);
                if (other.width() != first.width() || other.height() != first.height()) {
                    throw new IllegalArgumentException(container.path() + ": record " + i + " (" + reader.key(i)
                            + ") is " + other.width() + "x" + other.height() + " but record 0 is " + first.width() + "x"
                            + first.height() + "; images of different sizes need a resizing transform (eval or train)");
                }
            }
            return new int[] {channels, first.height(), first.width()};
        }
    }

    private static ImageHeader header(RecordReader reader, int i) {
        ByteBuffer bytes = reader.read(i);
        return ImageHeader.probe(bytes).orElseThrow(() -> new CorruptContainerException(
                "record " + i + " (" + reader.key(i) + "): not a JPEG or PNG whose header can be read"));
    }
}
