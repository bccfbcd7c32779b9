package dev.bale.image.opencv;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.bale.container.RawPixels;
import dev.bale.image.ImageCodec;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** With bale-loader on the class path, bale-core's pack/convert/verify find the OpenCV codec. */
class OpenCvCodecTest {

    @Test
    void theLoaderProvidesTheCodec() {
        ImageCodec codec = ImageCodec.get();
        assertInstanceOf(OpenCvCodec.class, codec);
        RawPixels shape = new RawPixels(3, 5, 3, false, false);
        ByteBuffer pixels = ByteBuffer.allocateDirect(3 * 5 * 3);
        for (int i = 0; i < pixels.capacity(); i++) {
            pixels.put(i, (byte) (i * 7));
        }
        byte[] encoded = codec.png(pixels, shape, false);
        ByteBuffer png = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
        assertNull(codec.problem(png));
        assertNull(codec.differs(png, pixels, shape));
        pixels.put(0, (byte) 1);
        assertNotNull(codec.differs(png, pixels, shape));
        assertNotNull(codec.problem(ByteBuffer.allocateDirect(16)));
    }
}
