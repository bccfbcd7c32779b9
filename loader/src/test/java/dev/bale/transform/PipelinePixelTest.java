package dev.bale.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.synthetic.SyntheticDataset;
import dev.bale.loader.SampleDecoder;
import dev.bale.sample.Seeds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/**
 * Pipelines against an OpenCV-Java reference that builds each case's matrix on its own, from the
 * op's parameters and OpenCV's own geometry functions (getRotationMatrix2D, getPerspectiveTransform),
 * never through the planner, then warps the fully decoded image once.
 */
class PipelinePixelTest {
    private static final int W = 500;
    private static final int H = 375;
    private static final SyntheticDataset.Spec PHOTOS = SyntheticDataset.Spec.photos(10, W, H);
    private static final long SEED = 7;

    private static final byte[][] ENCODED = new byte[10][];

    private static synchronized ByteBuffer photo(int i) {
        if (ENCODED[i] == null) {
            ENCODED[i] = SyntheticDataset.encode(PHOTOS, i);
        }
        return ByteBuffer.allocateDirect(ENCODED[i].length).put(ENCODED[i]).flip();
    }

    /** What the loader's per-sample path makes of image i, as uint8 HWC RGB. */
    private static byte[] bale(Transform t, ByteBuffer photo, int index, int outW, int outH) {
        Transform u = t.withOutput(Transform.Output.UINT8_HWC).withReducedDecode(false);
        ByteBuffer out = ByteBuffer.allocateDirect(outW * outH * 3);
        try (SampleDecoder d = new SampleDecoder(u, SEED, 3, outW, outH)) {
            d.decode(photo, 0, index, out, 0);
        }
        byte[] b = new byte[out.capacity()];
        out.get(0, b);
        return b;
    }

    /** The reference: full decode, one warp by m (output pixel centre -> source pixel centre), RGB. */
    static byte[] reference(ByteBuffer photo, double[] m, int outW, int outH, int fill) {
        try (PointerScope scope = new PointerScope()) {
            Mat decoded = opencv_imgcodecs.imdecode(new Mat(1, photo.remaining(), opencv_core.CV_8UC1, new BytePointer(photo)),
                    opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION);
            Mat dst = new Mat();
            int flags = opencv_imgproc.INTER_LINEAR | opencv_imgproc.WARP_INVERSE_MAP;
            if (m[6] == 0 && m[7] == 0 && m[8] == 1) {
                Mat a = new Mat(2, 3, opencv_core.CV_64F, new DoublePointer(m[0], m[1], m[2], m[3], m[4], m[5]));
                opencv_imgproc.warpAffine(decoded, dst, a, new Size(outW, outH), flags, opencv_core.BORDER_CONSTANT,
                        Scalar.all(fill));
            } else {
                Mat p = new Mat(3, 3, opencv_core.CV_64F, new DoublePointer(m));
                opencv_imgproc.warpPerspective(decoded, dst, p, new Size(outW, outH), flags, opencv_core.BORDER_CONSTANT,
                        Scalar.all(fill));
            }
            opencv_imgproc.cvtColor(dst, dst, opencv_imgproc.COLOR_BGR2RGB);
            byte[] b = new byte[outW * outH * 3];
            dst.data().get(b);
            return b;
        }
    }

    static double[] mul(double[] a, double[] b) {
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    r[3 * i + j] += a[3 * i + k] * b[3 * k + j];
                }
            }
        }
        return r;
    }

    /** cv::resize's map from a (w x h) output to a (sw x sh) input, pixel centres. */
    static double[] resizeMap(int sw, int sh, int w, int h) {
        double sx = (double) sw / w;
        double sy = (double) sh / h;
        return new double[] {sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5, 0, 0, 1};
    }

    /** Inverse map of OpenCV's rotation of a w x h image by degrees counter-clockwise, times scale. */
    static double[] rotationMap(int w, int h, double degrees, double scale) {
        try (PointerScope scope = new PointerScope()) {
            Mat forward = opencv_imgproc.getRotationMatrix2D(new Point2f((w - 1) / 2f, (h - 1) / 2f), degrees, scale);
            Mat inverse = new Mat();
            opencv_imgproc.invertAffineTransform(forward, inverse);
            DoublePointer d = new DoublePointer(inverse.data());
            return new double[] {d.get(0), d.get(1), d.get(2), d.get(3), d.get(4), d.get(5), 0, 0, 1};
        }
    }

    private static void assertSame(byte[] expected, byte[] actual, String what) {
        int differ = 0;
        int max = 0;
        for (int i = 0; i < expected.length; i++) {
            int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            if (d != 0) {
                differ++;
                max = Math.max(max, d);
            }
        }
        assertEquals(0, differ, what + ": " + differ + " of " + expected.length + " values differ, by up to " + max);
    }

    @Test
    void rotationIsOneWarpOfTheSource() {
        Transform t = Transform.compose(RandomRotation.of(30, 30, 0));
        for (int i = 0; i < 3; i++) {
            assertSame(reference(photo(i), rotationMap(W, H, 30, 1), W, H, 0), bale(t, photo(i), i, W, H), "rotation 30");
        }
    }

    @Test
    void resizeRotateFlipFuseIntoOneWarp() {
        Transform t = Transform.compose(Resize.to(300, 200), RandomRotation.of(-15, -15, 0), RandomHorizontalFlip.of(1));
        double[] flip = {-1, 0, 199, 0, 1, 0, 0, 0, 1};
        double[] m = mul(mul(resizeMap(W, H, 200, 300), rotationMap(200, 300, -15, 1)), flip);
        assertSame(reference(photo(1), m, 200, 300, 0), bale(t, photo(1), 0, 200, 300), "resize + rotate + flip");
    }

    @Test
    void affineRotationAndScaleMatchOpenCvsRotationMatrix() {
        // torchvision's affine angle is clockwise: OpenCV's rotation by -angle, scaled.
        Transform t = Transform.compose(RandomAffine.of(12, 12, null, new double[] {1.25, 1.25}, null, 0));
        assertSame(reference(photo(2), rotationMap(W, H, -12, 1.25), W, H, 0), bale(t, photo(2), 0, W, H), "affine");
    }

    @Test
    void perspectiveMapsTheDrawnCornersBackToTheImageCorners() {
        RandomPerspective perspective = RandomPerspective.of(0.6, 1);
        Transform t = Transform.compose(Resize.to(388, 270), perspective);
        for (int index = 0; index < 4; index++) {
            int[] end = perspective.draw(270, 388, new SplittableRandom(Seeds.mix(SEED, 0, index)));
            double[] h;
            try (PointerScope scope = new PointerScope()) {
                // torchvision maps end points to start points with pixel centres at +0.5.
                float[] from = new float[8];
                for (int k = 0; k < 8; k++) {
                    from[k] = end[k] - 0.5f;
                }
                float[] to = {-0.5f, -0.5f, 268.5f, -0.5f, 268.5f, 386.5f, -0.5f, 386.5f};
                Mat src = new Mat(4, 1, opencv_core.CV_32FC2, new org.bytedeco.javacpp.FloatPointer(from));
                Mat dst = new Mat(4, 1, opencv_core.CV_32FC2, new org.bytedeco.javacpp.FloatPointer(to));
                Mat hm = opencv_imgproc.getPerspectiveTransform(src, dst);
                DoublePointer d = new DoublePointer(hm.data());
                h = new double[9];
                d.get(h);
            }
            double[] m = mul(resizeMap(W, H, 270, 388), h);
            byte[] expected = reference(photo(index), m, 270, 388, 0);
            byte[] actual = bale(t, photo(index), index, 270, 388);
            // Two independent solves of the same homography agree to ~1e-12, which can move a
            // sample across one of warpPerspective's 1/32-pixel steps: allow a rare +-1.
            int differ = 0;
            for (int i = 0; i < expected.length; i++) {
                int diff = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
                assertTrue(diff <= 1, "value " + i + " differs by " + diff);
                differ += diff;
            }
            assertTrue(differ < expected.length / 1000, differ + " values differ by 1");
        }
    }

    @Test
    void padThenCentreCropShiftsAndFills() {
        Transform t = Transform.compose(Pad.of(10, 20, 30, 40, 128), CenterCrop.of(420, 560));
        // Padded 540 x 435; the crop is wider, so it pads (560 - 540) / 2 = 10 more on the left;
        // rows start at round(7.5) = 8 (half to even): source x = u - 10 - 10, y = v + 8 - 20.
        double[] m = {1, 0, -20, 0, 1, -12, 0, 0, 1};
        assertSame(reference(photo(0), m, 560, 420, 128), bale(t, photo(0), 0, 560, 420), "pad + centre crop");
    }

    @Test
    void verticalFlipAndResize() {
        Transform t = Transform.compose(Resize.to(100, 120), RandomVerticalFlip.of(1));
        double[] m = mul(resizeMap(W, H, 120, 100), new double[] {1, 0, 0, 0, -1, 99, 0, 0, 1});
        assertSame(reference(photo(3), m, 120, 100, 0), bale(t, photo(3), 0, 120, 100), "vertical flip");
    }

    @Test
    void axisAlignedPipelinesAreTheTrainPresetBitForBit() {
        Transform preset = Transform.train(160);
        Transform composed = Transform.compose(RandomResizedCrop.of(160), RandomHorizontalFlip.of(0.5),
                Normalize.imagenet());
        int outBytes = 160 * 160 * 3 * 4;
        for (boolean reduced : new boolean[] {false, true}) {
            for (int i = 0; i < 30; i++) {
                ByteBuffer a = ByteBuffer.allocateDirect(outBytes).order(ByteOrder.nativeOrder());
                ByteBuffer b = ByteBuffer.allocateDirect(outBytes).order(ByteOrder.nativeOrder());
                try (SampleDecoder p = new SampleDecoder(preset.withReducedDecode(reduced), SEED, 3, 160, 160);
                     SampleDecoder c = new SampleDecoder(composed.withReducedDecode(reduced), SEED, 3, 160, 160)) {
                    p.decode(photo(i % 10), 0, i, a, 0);
                    c.decode(photo(i % 10), 0, i, b, 0);
                }
                assertEquals(a, b, "sample " + i + (reduced ? ", reduced decode" : ""));
            }
        }
    }

    @Test
    void resizeToAFixedSizeIsOneCvResize() {
        Transform t = Transform.compose(Resize.to(388, 270));
        byte[] actual = bale(t, photo(4), 0, 270, 388);
        try (PointerScope scope = new PointerScope()) {
            ByteBuffer p = photo(4);
            Mat decoded = opencv_imgcodecs.imdecode(new Mat(1, p.remaining(), opencv_core.CV_8UC1, new BytePointer(p)),
                    opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION);
            Mat resized = new Mat();
            opencv_imgproc.resize(decoded, resized, new Size(270, 388), 0, 0, opencv_imgproc.INTER_LINEAR);
            opencv_imgproc.cvtColor(resized, resized, opencv_imgproc.COLOR_BGR2RGB);
            byte[] expected = new byte[actual.length];
            resized.data().get(expected);
            assertArrayEquals(expected, actual);
        }
    }

    @Test
    void reducedDecodeUnderAWarpSamplesTheReducedImageAtTheSamePlaces() {
        // Down to a fifth, then rotated: the plan may decode at 1/4.
        Transform t = Transform.compose(Resize.to(75, 100), RandomRotation.of(20, 20, 0));
        SamplePlan plan = new SamplePlan();
        new Planner(t, SEED).plan(W, H, true, 0, 0, plan);
        assertTrue(plan.warp, plan.toString());
        assertEquals(4, plan.reduce, plan.toString());
        ByteBuffer out = ByteBuffer.allocateDirect(100 * 75 * 3);
        try (SampleDecoder d = new SampleDecoder(t.withOutput(Transform.Output.UINT8_HWC), SEED, 3, 100, 75)) {
            d.decode(photo(5), 0, 0, out, 0);
        }
        byte[] actual = new byte[out.capacity()];
        out.get(0, actual);
        // libjpeg at 1/4: decoded pixel i covers source pixels [4i, 4i + 4), so a source pixel
        // centre x is decoded (x + 0.5) / 4 - 0.5.
        double[] toDecoded = {0.25, 0, 0.125 - 0.5, 0, 0.25, 0.125 - 0.5, 0, 0, 1};
        double[] m = mul(toDecoded, mul(resizeMap(W, H, 100, 75), rotationMap(100, 75, 20, 1)));
        byte[] expected;
        try (PointerScope scope = new PointerScope()) {
            ByteBuffer p = photo(5);
            Mat decoded = opencv_imgcodecs.imdecode(new Mat(1, p.remaining(), opencv_core.CV_8UC1, new BytePointer(p)),
                    opencv_imgcodecs.IMREAD_REDUCED_COLOR_4 | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION);
            assertEquals(125, decoded.cols());
            Mat dst = new Mat();
            opencv_imgproc.warpAffine(decoded, dst, new Mat(2, 3, opencv_core.CV_64F, new DoublePointer(m[0], m[1], m[2],
                    m[3], m[4], m[5])), new Size(100, 75), opencv_imgproc.INTER_LINEAR | opencv_imgproc.WARP_INVERSE_MAP,
                    opencv_core.BORDER_CONSTANT, Scalar.all(0));
            opencv_imgproc.cvtColor(dst, dst, opencv_imgproc.COLOR_BGR2RGB);
            expected = new byte[actual.length];
            dst.data().get(expected);
        }
        int differ = 0;
        for (int i = 0; i < expected.length; i++) {
            int diff = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            assertTrue(diff <= 1, "value " + i + " differs by " + diff);
            differ += diff;
        }
        assertTrue(differ < expected.length / 1000, differ + " values differ by 1");
    }

    @Test
    void textLinesKeepTheAspectRatioAndPadOnTheRight() {
        Transform t = Transform.textLine(32, 64, 255, TextLine.PadPolicy.MAX_WIDTH);
        // 500 x 375 -> 32 high, round(500 * 32 / 375) = 43 wide, then 255 up to 64.
        byte[] actual = bale(t, photo(6), 0, 64, 32);
        try (PointerScope scope = new PointerScope()) {
            ByteBuffer p = photo(6);
            Mat decoded = opencv_imgcodecs.imdecode(new Mat(1, p.remaining(), opencv_core.CV_8UC1, new BytePointer(p)),
                    opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION);
            Mat resized = new Mat();
            opencv_imgproc.resize(decoded, resized, new Size(43, 32), 0, 0, opencv_imgproc.INTER_LINEAR);
            opencv_imgproc.cvtColor(resized, resized, opencv_imgproc.COLOR_BGR2RGB);
            byte[] content = new byte[43 * 32 * 3];
            resized.data().get(content);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 64; x++) {
                    for (int c = 0; c < 3; c++) {
                        int expected = x < 43 ? content[(y * 43 + x) * 3 + c] & 0xFF : 255;
                        assertEquals(expected, actual[(y * 64 + x) * 3 + c] & 0xFF, "pixel " + x + "," + y);
                    }
                }
            }
        }
    }
}
