package dev.bale.nativ;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.RawPixels;
import dev.bale.testing.NativeParams;
import dev.bale.testing.OpenCvReference;
import java.nio.ByteBuffer;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Raw pixels through bale::transform_raw must give exactly what the encoded path gives for the same
 * image: the reference is OpenCV's Java API decoding a lossless PNG of the pixels (written here pixel
 * by pixel, independently of Bale's own conversion) and applying the same transform.
 */
class RawDecodeTest {
    private static final int H = 37;
    private static final int W = 53;

    /** BGR pixels, HWC, and the PNG OpenCV writes of them. */
    private static byte[] bgr(long seed) {
        Random rng = new Random(seed);
        byte[] p = new byte[H * W * 3];
        rng.nextBytes(p);
        return p;
    }

    private static ByteBuffer png(byte[] hwcBgr, int channels) {
        try (PointerScope scope = new PointerScope()) {
            Mat m = new Mat(H, W, channels == 3 ? opencv_core.CV_8UC3 : opencv_core.CV_8UC1);
            m.data().put(hwcBgr, 0, H * W * channels);
            BytePointer out = new BytePointer();
            opencv_imgcodecs.imencode(".png", m, out);
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return TestImages.direct(bytes);
        }
    }

    /** hwcBgr rearranged into the layout named. */
    private static byte[] arrange(byte[] hwcBgr, boolean planar, boolean bgr) {
        byte[] out = new byte[hwcBgr.length];
        int plane = H * W;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                int source = hwcBgr[i * 3 + c];
                int channel = bgr ? c : 2 - c;
                out[planar ? channel * plane + i : i * 3 + channel] = (byte) source;
            }
        }
        return out;
    }

    private static NativeParams[] transforms() {
        NativeParams crop = NativeParams.crop(3, 5, 30, 20, 24).flip().jitter(1.2f, 0.8f, 1.3f);
        NativeParams whole = NativeParams.crop(0, 0, 0, 0, 0);
        whole.outW = W;
        whole.outH = H;
        whole.output = BaleNative.OUTPUT_UINT8_HWC;
        NativeParams gray = NativeParams.crop(1, 1, 40, 30, 16);
        gray.grayscale = true;
        return new NativeParams[] {crop, whole, gray};
    }

    @ParameterizedTest
    @ValueSource(strings = {"HWC RGB", "HWC BGR", "CHW RGB", "CHW BGR"})
    void colourLayoutsMatchTheEncodedPathPixelForPixel(String layout) {
        boolean planar = layout.startsWith("CHW");
        boolean isBgr = layout.endsWith("BGR");
        byte[] pixels = bgr(layout.hashCode());
        ByteBuffer raw = TestImages.direct(arrange(pixels, planar, isBgr));
        ByteBuffer encoded = png(pixels, 3);
        // Gray output from colour pixels is OpenCV's BGR2GRAY (libpng's own conversion in IMREAD_GRAYSCALE
        // rounds differently): the reference decodes a gray PNG of cvtColor's result.
        ByteBuffer encodedGray = png(grayOf(pixels), 1);
        for (NativeParams t : transforms()) {
            try (NativeDecoder decoder = new NativeDecoder()) {
                t.applyTo(decoder.params());
                ByteBuffer out = ByteBuffer.allocateDirect(t.outputBytes());
                decoder.decodeRaw(raw, new RawPixels(H, W, 3, planar, isBgr), out, 0);
                ByteBuffer expected = OpenCvReference.apply(t.grayscale ? encodedGray : encoded, t);
                assertArrayEquals(TestImages.bytes(expected), TestImages.bytes(out), layout + " " + t);
            }
        }
    }

    private static byte[] grayOf(byte[] hwcBgr) {
        try (PointerScope scope = new PointerScope()) {
            Mat m = new Mat(H, W, opencv_core.CV_8UC3);
            m.data().put(hwcBgr, 0, hwcBgr.length);
            Mat gray = new Mat();
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(m, gray, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            byte[] out = new byte[H * W];
            gray.data().get(out);
            return out;
        }
    }

    @Test
    void grayPixels() {
        byte[] pixels = new byte[H * W];
        new Random(3).nextBytes(pixels);
        ByteBuffer encoded = png(pixels, 1);
        for (NativeParams t : transforms()) {
            try (NativeDecoder decoder = new NativeDecoder()) {
                t.applyTo(decoder.params());
                ByteBuffer out = ByteBuffer.allocateDirect(t.outputBytes());
                decoder.decodeRaw(TestImages.direct(pixels), new RawPixels(H, W, 1, false, false), out, 0);
                assertArrayEquals(TestImages.bytes(OpenCvReference.apply(encoded, t)), TestImages.bytes(out), t.toString());
            }
        }
    }

    @Test
    void aShapeThatDoesNotMatchTheBytesIsRefusedBeforeAnythingIsRead() {
        try (NativeDecoder decoder = new NativeDecoder()) {
            NativeParams t = transforms()[0];
            t.applyTo(decoder.params());
            ByteBuffer out = ByteBuffer.allocateDirect(t.outputBytes());
            NativeDecodeException e = assertThrows(NativeDecodeException.class, () -> decoder.decodeRaw(
                    ByteBuffer.allocateDirect(H * W * 3 - 1), new RawPixels(H, W, 3, false, false), out, 0));
            assertTrue(e.getMessage().contains("needs"), e.getMessage());
            // Native code checks too, whatever Java let through.
            BaleNative.RawShape shape = new BaleNative.RawShape().height(H).width(W).channels(3).planar(0).bgr(0);
            try (BytePointer src = new BytePointer(ByteBuffer.allocateDirect(10)); BytePointer err = new BytePointer(256)) {
                int status = BaleNative.transform_raw(src, 10, shape, decoder.params(), new BytePointer(out), err, 256);
                assertEquals(BaleNative.STATUS_UNDECODABLE, status);
                assertTrue(err.getString().contains("does not match"), err.getString());
            } finally {
                shape.close();
            }
        }
    }
}
