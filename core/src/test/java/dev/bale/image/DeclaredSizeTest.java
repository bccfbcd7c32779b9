package dev.bale.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The size headers declare is read for every format the cap guards, before anything decodes. */
class DeclaredSizeTest {

    private static byte[] encode(String extension, int width, int height) {
        try (Mat image = new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(40, 90, 200, 0));
             BytePointer out = new BytePointer()) {
            assertTrue(opencv_imgcodecs.imencode(extension, image, out), extension);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {".jpg", ".png", ".bmp", ".webp"})
    void readsTheDeclaredSize(String extension) {
        ImageHeader header = DeclaredSize.of(ByteBuffer.wrap(encode(extension, 37, 23))).orElseThrow();
        assertEquals(37, header.width(), extension);
        assertEquals(23, header.height(), extension);
        assertNull(ImageLimits.problem(header));
    }

    @Test
    void aBmpClaimingHugeDimensionsIsRefused() {
        byte[] bmp = encode(".bmp", 8, 8);
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, 100_000).putInt(22, -100_000);
        String problem = ImageLimits.problem(DeclaredSize.of(ByteBuffer.wrap(bmp)).orElseThrow());
        assertTrue(problem.contains("declares 100000x100000 pixels, over the limit of 268435456"), problem);
    }

    @Test
    void aGifHeaderIsRead() {
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', (byte) 0x10, 0x27, 0x20, 0x00};
        ImageHeader header = DeclaredSize.of(ByteBuffer.wrap(gif)).orElseThrow();
        assertEquals(10000, header.width());
        assertEquals(32, header.height());
    }
}
