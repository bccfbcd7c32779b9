package dev.bale.nativ;

import dev.bale.synthetic.SyntheticDataset;
import java.nio.ByteBuffer;

/** Generated fixtures, as direct buffers the way containers hand them out. */
final class TestImages {
    static final int PHOTO_WIDTH = 500;
    static final int PHOTO_HEIGHT = 375;
    private static final SyntheticDataset.Spec PHOTOS = SyntheticDataset.Spec.photos(100, PHOTO_WIDTH, PHOTO_HEIGHT);
    private static final SyntheticDataset.Spec TINY = SyntheticDataset.Spec.tiny(100);

    private TestImages() {
    }

    /** Photo-like colour JPEG, 500x375, quality 90. */
    static ByteBuffer photo(int index) {
        return direct(SyntheticDataset.encode(PHOTOS, index));
    }

    /** MNIST-like grayscale PNG, 28x28. */
    static ByteBuffer tiny(int index) {
        return direct(SyntheticDataset.encode(TINY, index));
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
