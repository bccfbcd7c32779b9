package dev.bale.loader;

import dev.bale.torch.HostMemory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One buffer of the batch ring: room for a whole batch of images, labels and indices, allocated
 * once and reused for batch after batch. {@code assigned} is the batch it may be filled for; the
 * consumer's release moves it on by the ring's size.
 */
final class Slot {
    final HostMemory images;
    final HostMemory labels;
    /** Real width of each sample (a text line's before padding), int64. */
    final HostMemory widths;
    final int[] indices;
    final AtomicInteger filled = new AtomicInteger();
    volatile int assigned;
    volatile int ready = -1;
    /** The batch handed out from this buffer and not yet released; only the consumer's thread touches it. */
    Batch holder;

    Slot(long imageBytes, int batchSize, boolean pin) {
        this.images = HostMemory.allocate(imageBytes, pin);
        this.labels = HostMemory.allocate((long) batchSize * Long.BYTES, pin);
        this.widths = HostMemory.allocate((long) batchSize * Long.BYTES, false);
        this.indices = new int[batchSize];
    }

    ByteBuffer imageBuffer() {
        return images.buffer();
    }

    ByteBuffer labelBuffer() {
        return labels.buffer();
    }

    ByteBuffer widthBuffer() {
        return widths.buffer();
    }

    void free() {
        images.close();
        labels.close();
        widths.close();
    }
}
