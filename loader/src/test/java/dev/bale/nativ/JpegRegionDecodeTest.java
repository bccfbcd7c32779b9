package dev.bale.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bale.nativ.JpegVariants.Variant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Region decoding (libjpeg-turbo partial decode, {@code region_decode}) gives exactly the pixels of
 * OpenCV's full decode followed by the crop, at every DCT scale, over every JPEG layout; damaged
 * JPEGs are refused with an error, never a crash.
 */
class JpegRegionDecodeTest {
    private static final int[] REDUCES = {1, 2, 4, 8};
    private static final int REGIONS = 24;

    static List<Variant> variants() {
        return JpegVariants.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void regionsMatchFullDecodeThenCrop(Variant v) {
        ByteBuffer src = TestImages.direct(v.jpeg());
        Random random = new Random(v.name().hashCode());
        long[] pixels = new long[2];
        try (NativeDecoder region = new NativeDecoder(); NativeDecoder full = new NativeDecoder()) {
            for (int reduce : REDUCES) {
                int dw = (v.width() + reduce - 1) / reduce;
                int dh = (v.height() + reduce - 1) / reduce;
                for (boolean gray : new boolean[] {false, true}) {
                    for (int i = 0; i < REGIONS; i++) {
                        int[] r = switch (i) {
                            case 0 -> new int[] {0, 0, dw, dh};  // the whole image: both libjpeg-turbo builds agree
                            case 1 -> new int[] {dw - 1, dh - 1, 1, 1};
                            case 2 -> new int[] {0, 0, 1, 1};
                            default -> randomRegion(random, dw, dh);
                        };
                        String what = v + " reduce " + reduce + (gray ? " gray" : " colour") + " region "
                                + Arrays.toString(r);
                        ByteBuffer expected = decode(full, src, reduce, gray, r, false);
                        ByteBuffer actual = decode(region, src, reduce, gray, r, true);
                        assertSame(expected, actual, r[2] * (gray ? 1 : 3), what);
                        region.lastDecodedPixels(pixels);
                        assertEquals((long) dw * dh, pixels[1], what);
                        assertTrue(pixels[0] >= (long) r[2] * r[3] && pixels[0] <= pixels[1], what + ": " + pixels[0]);
                    }
                }
            }
        }
    }

    @Test
    void decodesOnlyPartOfTheImageForASmallRegion() {
        Variant v = JpegVariants.make("4:2:0", 0, 500, 375, false,
                org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420, false, 0);
        long[] pixels = new long[2];
        try (NativeDecoder region = new NativeDecoder()) {
            decode(region, TestImages.direct(v.jpeg()), 1, false, new int[] {200, 150, 50, 40}, true);
            region.lastDecodedPixels(pixels);
            // Widened by context and to the iMCU on the left (< 16 + 2 px), by 4 px on the right, one
            // iMCU row (16) above, nothing below.
            assertTrue(pixels[0] <= (50L + 18 + 4) * (40 + 16), "decoded " + pixels[0]);
            assertEquals(500L * 375, pixels[1]);
        }
    }

    @Test
    void truncatedJpegIsAnErrorWhereTheRegionNeedsTheMissingData() {
        for (boolean progressive : new boolean[] {false, true}) {
            Variant v = JpegVariants.make("4:2:0", 1, 500, 375, false,
                    org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420, progressive, 0);
            ByteBuffer truncated = TestImages.direct(Arrays.copyOf(v.jpeg(), v.jpeg().length / 2));
            try (NativeDecoder region = new NativeDecoder()) {
                NativeDecodeException e = assertThrows(NativeDecodeException.class,
                        () -> decode(region, truncated, 1, false, new int[] {100, 300, 200, 75}, true));
                assertEquals(BaleNative.STATUS_UNDECODABLE, e.status());
                assertTrue(e.getMessage().contains("corrupt JPEG"), e.getMessage());
            }
        }
    }

    @Test
    void junkBeforeTheEndMarkerIsNoErrorJunkInsideTheDataIs() {
        for (boolean progressive : new boolean[] {false, true}) {
            byte[] jpeg = JpegVariants.make("4:2:0", 4, 160, 120, false,
                    org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420, progressive, 0).jpeg();
            int end = jpeg.length - 2;  // the end-of-image marker FF D9
            byte[] junkAtEnd = new byte[jpeg.length + 3];
            System.arraycopy(jpeg, 0, junkAtEnd, 0, end);
            System.arraycopy(jpeg, end, junkAtEnd, end + 3, 2);  // the 3 bytes between are zeros
            int[] bottom = {100, 80, 60, 40};
            try (NativeDecoder region = new NativeDecoder(); NativeDecoder full = new NativeDecoder()) {
                assertSame(decode(full, TestImages.direct(jpeg), 1, false, bottom, false),
                        decode(region, TestImages.direct(junkAtEnd), 1, false, bottom, true), 60 * 3, "junk before EOI");
            }
        }
    }

    @Test
    void damagedBytesNeverCrashAndFailAsUndecodable() {
        byte[] good = JpegVariants.make("4:2:0", 2, 500, 375, false,
                org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420, false, 2).jpeg();
        Random random = new Random(7);
        int failures = 0;
        try (NativeDecoder region = new NativeDecoder()) {
            for (int trial = 0; trial < 300; trial++) {
                byte[] bad = good.clone();
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    int at = random.nextInt(bad.length - 2) + 2;
                    bad[at] = (byte) random.nextInt(256);
                }
                int reduce = 1 << random.nextInt(4);
                int[] r = scaled(randomRegion(random, 500, 375), reduce);
                try {
                    decode(region, TestImages.direct(bad), reduce, false, r, true);
                } catch (NativeDecodeException e) {
                    assertTrue(e.status() == BaleNative.STATUS_UNDECODABLE || e.status() == BaleNative.STATUS_BAD_GEOMETRY,
                            e.getMessage());
                    failures++;
                }
            }
            // The decoder still works after all those errors.
            decode(region, TestImages.direct(good), 1, false, new int[] {10, 10, 100, 100}, true);
        }
        assertTrue(failures > 0, "no damaged JPEG was refused");
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeAllocating() {
        byte[] jpeg = JpegVariants.make("4:2:0", 3, 64, 48, false,
                org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420, false, 0).jpeg();
        int sof = sofOffset(jpeg);
        // SOF: marker, length (2), precision (1), height (2), width (2).
        jpeg[sof + 5] = (byte) 0xFD;
        jpeg[sof + 6] = (byte) 0xE8;
        jpeg[sof + 7] = (byte) 0xFD;
        jpeg[sof + 8] = (byte) 0xE8;  // 65000 x 65000
        ByteBuffer src = TestImages.direct(jpeg);
        try (NativeDecoder region = new NativeDecoder()) {
            NativeDecodeException e = assertThrows(NativeDecodeException.class,
                    () -> decode(region, src, 1, false, new int[] {0, 0, 64, 48}, true));
            assertEquals(BaleNative.STATUS_UNDECODABLE, e.status());
            assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
        }
    }

    @Test
    void threadsDecodeRegionsAsOneThreadDoes() throws Exception {
        List<Variant> variants = JpegVariants.all();
        Random random = new Random(11);
        int jobs = 200;
        List<int[]> regions = new ArrayList<>();
        List<ByteBuffer> expected = new ArrayList<>();
        try (NativeDecoder one = new NativeDecoder()) {
            for (int j = 0; j < jobs; j++) {
                Variant v = variants.get(j % variants.size());
                int[] r = randomRegion(random, v.width(), v.height());
                regions.add(r);
                expected.add(decode(one, TestImages.direct(v.jpeg()), 1, false, r, true));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    try (NativeDecoder mine = new NativeDecoder()) {
                        for (int j = first; j < jobs; j += 3) {
                            Variant v = variants.get(j % variants.size());
                            ByteBuffer got = decode(mine, TestImages.direct(v.jpeg()), 1, false, regions.get(j), true);
                            assertSame(expected.get(j), got, regions.get(j)[2] * 3, "job " + j);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The region's pixels as uint8 HWC (RGB), decoded with or without region decoding. */
    static ByteBuffer decode(NativeDecoder decoder, ByteBuffer src, int reduce, boolean gray, int[] r, boolean region) {
        decoder.params().reduce(reduce).grayscale(gray ? 1 : 0).crop_x(r[0]).crop_y(r[1]).crop_w(r[2]).crop_h(r[3])
                .out_w(r[2]).out_h(r[3]).output(BaleNative.OUTPUT_UINT8_HWC).region_decode(region ? 1 : 0);
        ByteBuffer out = ByteBuffer.allocateDirect((int) decoder.outputBytes());
        decoder.decode(src, out, 0);
        return out;
    }

    static int[] randomRegion(Random random, int width, int height) {
        boolean small = random.nextBoolean();
        int w = 1 + random.nextInt(small ? Math.min(width, 40) : width);
        int h = 1 + random.nextInt(small ? Math.min(height, 40) : height);
        return new int[] {random.nextInt(width - w + 1), random.nextInt(height - h + 1), w, h};
    }

    private static int[] scaled(int[] r, int reduce) {
        return new int[] {r[0] / reduce, r[1] / reduce, Math.max(1, r[2] / reduce), Math.max(1, r[3] / reduce)};
    }

    private static int sofOffset(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && ((jpeg[i + 1] & 0xFF) == 0xC0 || (jpeg[i + 1] & 0xFF) == 0xC2)) {
                return i;
            }
        }
        throw new IllegalStateException("no SOF marker");
    }

    static void assertSame(ByteBuffer expected, ByteBuffer actual, int rowBytes, String what) {
        int at = expected.mismatch(actual);
        if (at >= 0) {
            fail(what + ": first difference at row " + at / rowBytes + ", byte " + at % rowBytes + " of the row: "
                    + (expected.get(at) & 0xFF) + " expected, " + (actual.get(at) & 0xFF) + " decoded");
        }
    }
}
