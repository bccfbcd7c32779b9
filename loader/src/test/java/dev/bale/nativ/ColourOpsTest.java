package dev.bale.nativ;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Hue, the colour ops' order and to-gray, against the same OpenCV calls made from Java. */
class ColourOpsTest {

    private static byte[] run(ByteBuffer encoded, int w, int h, float b, float c, float s, float hue, int order, boolean gray) {
        try (NativeDecoder d = new NativeDecoder()) {
            d.params().out_w(w).out_h(h).output(BaleNative.OUTPUT_UINT8_HWC).brightness(b).contrast(c).saturation(s)
                    .hue(hue).jitter_order(order).to_gray(gray ? 1 : 0);
            ByteBuffer out = ByteBuffer.allocateDirect(w * h * 3);
            d.decode(encoded, out, 0);
            byte[] bytes = new byte[out.capacity()];
            out.get(0, bytes);
            return bytes;
        }
    }

    private static ByteBuffer png(Mat bgr) {
        BytePointer out = new BytePointer();
        opencv_imgcodecs.imencode(".png", bgr, out);
        byte[] bytes = new byte[(int) out.limit()];
        out.get(bytes);
        return TestImages.direct(bytes);
    }

    @Test
    void hueRotatesTheColourWheel() {
        try (PointerScope scope = new PointerScope()) {
            ByteBuffer red = png(new Mat(4, 4, opencv_core.CV_8UC3, new Scalar(0, 0, 255, 0)));
            byte[] green = run(red, 4, 4, 1, 1, 1, 1f / 3, 0, false);   // 120 degrees
            assertEquals(0, green[0] & 0xFF);
            assertEquals(255, green[1] & 0xFF);
            assertEquals(0, green[2] & 0xFF);
            byte[] magenta = run(red, 4, 4, 1, 1, 1, -1f / 6, 0, false); // -60 degrees
            assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 255}, new byte[] {magenta[0], magenta[1], magenta[2]});
            ByteBuffer gray = png(new Mat(4, 4, opencv_core.CV_8UC3, Scalar.all(77)));
            byte[] still = run(gray, 4, 4, 1, 1, 1, 0.4f, 0, false);
            for (byte v : still) {
                assertEquals(77, v & 0xFF, "gray has no hue");
            }
        }
    }

    @Test
    void orderAndGrayMatchTheReferenceCalls() {
        ByteBuffer photo = TestImages.photo(2);
        int w = TestImages.PHOTO_WIDTH;
        int h = TestImages.PHOTO_HEIGHT;
        // hue, saturation, contrast, brightness: 3, 2, 1, 0 from the lowest 4 bits.
        int order = 0x0123;
        byte[] actual = run(photo, w, h, 1.2f, 0.7f, 1.5f, 0.1f, order, true);
        try (PointerScope scope = new PointerScope()) {
            Mat img = opencv_imgcodecs.imdecode(new Mat(1, photo.remaining(), opencv_core.CV_8UC1, new BytePointer(photo)),
                    opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION);
            // hue
            Mat hsv = new Mat();
            img.convertTo(hsv, opencv_core.CV_32F, 1.0 / 255, 0);
            opencv_imgproc.cvtColor(hsv, hsv, opencv_imgproc.COLOR_BGR2HSV);
            float[] values = new float[w * h * 3];
            hsv.data().position(0);
            new org.bytedeco.javacpp.FloatPointer(hsv.data()).get(values);
            for (int i = 0; i < values.length; i += 3) {
                float v = values[i] + 0.1f * 360.0f;
                values[i] = v < 0 ? v + 360.0f : (v >= 360.0f ? v - 360.0f : v);
            }
            new org.bytedeco.javacpp.FloatPointer(hsv.data()).put(values);
            opencv_imgproc.cvtColor(hsv, hsv, opencv_imgproc.COLOR_HSV2BGR);
            hsv.convertTo(img, opencv_core.CV_8U, 255.0, 0);
            // saturation
            Mat gray = new Mat();
            Mat gray3 = new Mat();
            opencv_imgproc.cvtColor(img, gray, opencv_imgproc.COLOR_BGR2GRAY);
            opencv_imgproc.cvtColor(gray, gray3, opencv_imgproc.COLOR_GRAY2BGR);
            opencv_core.addWeighted(img, 1.5f, gray3, 1.0 - 1.5f, 0.0, img);
            // contrast
            opencv_imgproc.cvtColor(img, gray, opencv_imgproc.COLOR_BGR2GRAY);
            double mean = opencv_core.mean(gray).get(0);
            img.convertTo(img, -1, 0.7f, (1.0 - 0.7f) * mean);
            // brightness
            img.convertTo(img, -1, 1.2f, 0);
            // gray, then RGB
            opencv_imgproc.cvtColor(img, gray, opencv_imgproc.COLOR_BGR2GRAY);
            opencv_imgproc.cvtColor(gray, img, opencv_imgproc.COLOR_GRAY2BGR);
            opencv_imgproc.cvtColor(img, img, opencv_imgproc.COLOR_BGR2RGB);
            byte[] expected = new byte[actual.length];
            img.data().get(expected);
            assertArrayEquals(expected, actual);
            for (int i = 0; i < actual.length; i += 3) {
                assertTrue(actual[i] == actual[i + 1] && actual[i] == actual[i + 2], "gray in all channels");
            }
        }
    }

    @Test
    void badColourParametersAreRefused() {
        try (NativeDecoder d = new NativeDecoder()) {
            d.params().out_w(4).out_h(4).jitter_order(0x0012);
            ByteBuffer out = ByteBuffer.allocateDirect(4 * 4 * 3 * 4);
            NativeDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeDecodeException.class,
                    () -> d.decode(TestImages.photo(0), out, 0));
            assertTrue(e.getMessage().contains("jitter_order must be a permutation"), e.getMessage());
            d.params().jitter_order(0).hue(0.7f);
            e = org.junit.jupiter.api.Assertions.assertThrows(NativeDecodeException.class,
                    () -> d.decode(TestImages.photo(0), out, 0));
            assertTrue(e.getMessage().contains("hue must be in [-0.5, 0.5]"), e.getMessage());
        }
    }
}
