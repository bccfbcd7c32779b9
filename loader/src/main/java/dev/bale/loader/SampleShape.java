package dev.bale.loader;

import dev.bale.container.Container;
import dev.bale.container.CorruptContainerException;
import dev.bale.container.RecordReader;
import dev.bale.image.ImageHeader;
import dev.bale.transform.Transform;
import java.util.Optional;

/**
 * Works out (channels, height, width) of a decoded sample, before the first batch. With AUTO
 * channels the first readable image decides for the whole dataset: a grayscale first image makes
 * every sample one channel. Datasets that mix the two should say GRAY or RGB.
 */
final class SampleShape {
    private SampleShape() {
    }

    static int[] of(Container container, Transform transform, BadSamplePolicy onBad) {
        if (container.size() == 0) {
            throw new IllegalArgumentException(container.path() + ": the container has no records");
        }
        boolean resized = transform.mode() != Transform.Mode.NONE
                && (transform.mode() != Transform.Mode.PIPELINE || transform.pipeline().fixedSize());
        try (RecordReader reader = container.newReader()) {
            ImageHeader first = null;
            int firstIndex = -1;
            // With a resizing transform the first readable header tells the channels; without one,
            // every image must have the first one's size: found out now, not mid-epoch.
            for (int i = 0; i < container.size() && (first == null || !resized); i++) {
                Optional<ImageHeader> header = header(reader, i, onBad);
                if (header.isEmpty()) {
                    continue;
                }
                if (first == null) {
                    first = header.get();
                    firstIndex = i;
                } else if (header.get().width() != first.width() || header.get().height() != first.height()) {
                    throw new IllegalArgumentException(container.path() + ": record " + i + " (" + reader.key(i)
                            + ") is " + header.get().width() + "x" + header.get().height() + " but record " + firstIndex
                            + " is " + first.width() + "x" + first.height()
                            + "; images of different sizes need a transform with a fixed output size");
                }
            }
            if (first == null) {
                throw new IllegalArgumentException(container.path() + ": no record is a readable JPEG or PNG");
            }
            int channels = switch (transform.channels()) {
                case GRAY -> 1;
                case RGB -> 3;
                case AUTO -> first.channels() == 1 || first.channels() == 2 ? 1 : 3;
            };
            if (transform.mode() == Transform.Mode.PIPELINE) {
                int[] size = transform.pipeline().outputSize(first.width(), first.height());
                return new int[] {channels, size[1], size[0]};
            }
            return resized ? new int[] {channels, transform.crop(), transform.crop()}
                    : new int[] {channels, first.height(), first.width()};
        }
    }

    /** The header of record i; a record without one fails, or is passed over when bad samples are skipped. */
    private static Optional<ImageHeader> header(RecordReader reader, int i, BadSamplePolicy onBad) {
        Optional<ImageHeader> header;
        String why;
        try {
            java.nio.ByteBuffer bytes = reader.read(i);
            dev.bale.container.RawPixels raw = reader.rawPixels();
            header = raw != null ? Optional.of(new ImageHeader(raw.width(), raw.height(), raw.channels()))
                    : ImageHeader.probe(bytes);
            why = "not a JPEG or PNG whose header can be read";
        } catch (CorruptContainerException e) {
            header = Optional.empty();
            why = e.getMessage();
        }
        if (header.isEmpty() && onBad == BadSamplePolicy.FAIL) {
            throw new CorruptContainerException("record " + i + " (" + reader.key(i) + "): " + why);
        }
        return header;
    }
}
