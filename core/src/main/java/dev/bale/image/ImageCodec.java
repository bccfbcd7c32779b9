package dev.bale.image;

import dev.bale.container.RawPixels;
import java.nio.ByteBuffer;
import java.util.ServiceLoader;

/**
 * Decoding and encoding of pixels, which packing with a decode check, converting raw records to PNG
 * and comparing raw with encoded records need but bale-core does not do itself: it would pull OpenCV's
 * natives into every reader and writer of containers (a Spark executor, for one). bale-loader
 * provides the OpenCV implementation; it is found on the class path with {@link ServiceLoader}.
 */
public interface ImageCodec {

    /** Why {@code encoded} does not decode, or is larger than {@link ImageLimits} allow; null when it decodes. */
    String problem(ByteBuffer encoded);

    /** Raw pixels of the given shape as a lossless PNG; {@code stored} writes them uncompressed. */
    byte[] png(ByteBuffer pixels, RawPixels shape, boolean stored);

    /** Where {@code encoded}, decoded, differs from the raw {@code pixels}; null when they are the same. */
    String differs(ByteBuffer encoded, ByteBuffer pixels, RawPixels shape);

    /** The codec on the class path; an error naming bale-loader when there is none. */
    static ImageCodec get() {
        if (Found.CODEC == null) {
            throw new IllegalStateException("decoding or encoding pixels needs an image codec on the class path:"
                    + " add dev.bale:bale-loader (OpenCV), or leave out the decode check and the raw-to-PNG conversion");
        }
        return Found.CODEC;
    }

    /** Looks once, on first use. */
    final class Found {
        private static final ImageCodec CODEC = ServiceLoader.load(ImageCodec.class).findFirst().orElse(null);

        private Found() {
        }
    }
}
