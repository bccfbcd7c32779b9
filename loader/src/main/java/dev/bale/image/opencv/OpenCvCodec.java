package dev.bale.image.opencv;

import dev.bale.container.RawPixels;
import dev.bale.image.ImageCodec;
import java.nio.ByteBuffer;

/** bale-core's {@link ImageCodec}, with OpenCV: what the loader decodes with, so checks agree with it. */
public final class OpenCvCodec implements ImageCodec {

    @Override
    public String problem(ByteBuffer encoded) {
        return DecodeCheck.problem(encoded);
    }

    @Override
    public byte[] png(ByteBuffer pixels, RawPixels shape, boolean stored) {
        return RawImages.png(pixels, shape, stored);
    }

    @Override
    public String differs(ByteBuffer encoded, ByteBuffer pixels, RawPixels shape) {
        return RawImages.differs(encoded, pixels, shape);
    }
}
