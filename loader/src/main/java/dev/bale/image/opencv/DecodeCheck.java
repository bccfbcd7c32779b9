package dev.bale.image.opencv;

import dev.bale.image.DeclaredSize;
import dev.bale.image.ImageLimits;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Tells whether OpenCV can decode an encoded image. Decoding proves the headers and entropy
 * stream are readable, not that the pixels are right: a JPEG cut short still decodes (grey at the
 * bottom), which is why containers carry checksums.
 */
public final class DecodeCheck {
    private DecodeCheck() {
    }

    /** Null when {@code data} decodes, else why not. */
    public static String problem(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return "empty";
        }
        String tooLarge = DeclaredSize.of(data).map(ImageLimits::problem).orElse(null);
        if (tooLarge != null) {
            return tooLarge;
        }
        // A heap buffer would be copied by BytePointer anyway; a direct one is read in place.
        ByteBuffer direct = data.isDirect() ? data.slice() : ByteBuffer.allocateDirect(data.remaining()).put(data.duplicate()).flip();
        try (PointerScope scope = new PointerScope()) {
            BytePointer bytes = new BytePointer(direct);
            Mat encoded = new Mat(1, direct.remaining(), org.bytedeco.opencv.global.opencv_core.CV_8UC1, bytes);
            Mat image = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_UNCHANGED);
            if (image == null || image.empty()) {
                return "not a decodable image";
            }
            return null;
        } catch (RuntimeException e) {
            return "decoder failed: " + e.getMessage();
        }
    }
}
