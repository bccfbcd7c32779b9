package dev.bale.nativ;

import static dev.bale.nativ.JpegRegionDecodeTest.assertSame;
import static dev.bale.nativ.JpegRegionDecodeTest.randomRegion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.nativ.JpegVariants.Variant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Region decoding through the per-record entropy index ({@code bale/jpeg_index.h}, the cut of
 * {@code native/src/jpeg_cut.cpp}): exactly the pixels of a full decode followed by the crop, on a
 * record's first decode (plain path), on the one that builds its index and on every decode after; the same outcome as without the
 * index for damaged bytes (an index is never applied to bytes it was not built from); the same pixels
 * from many threads; a full budget leaves records to the plain path.
 */
class JpegIndexTest {
    private static final int[] REDUCES = {1, 2, 4, 8};
    private static final int REGIONS = 24;
    private static final long DEFAULT_BUDGET = 128L << 20;
    private static final int DEFAULT_SPREAD = 4;

    /** Every record indexed on its second decode, so that each test knows which decode builds it. */
    @BeforeEach
    void emptyIndexIndexingOnTheSecondDecode() {
        BaleNative.set_jpeg_index_budget(DEFAULT_BUDGET);
        BaleNative.set_jpeg_index_spread(1);
    }

    @AfterEach
    void emptyIndexWithTheDefaults() {
        BaleNative.set_jpeg_index_budget(DEFAULT_BUDGET);
        BaleNative.set_jpeg_index_spread(DEFAULT_SPREAD);
    }

    static List<Variant> variants() {
        return JpegVariants.all();
    }

    /** Whether the index handles the variant: one baseline scan, no restart markers. */
    private static boolean indexed(Variant v) {
        return !v.name().contains("progressive") && !v.name().contains("restart");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void cutRegionsMatchFullDecodeThenCropOnEveryDecode(Variant v) {
        ByteBuffer src = TestImages.direct(v.jpeg());
        Random random = new Random(v.name().hashCode() + 1);
        long[] before = stats();
        try (NativeDecoder region = new NativeDecoder(); NativeDecoder full = new NativeDecoder()) {
            for (int reduce : REDUCES) {
                int dw = (v.width() + reduce - 1) / reduce;
                int dh = (v.height() + reduce - 1) / reduce;
                for (boolean gray : new boolean[] {false, true}) {
                    List<int[]> regions = new ArrayList<>();
                    List<ByteBuffer> expected = new ArrayList<>();
                    for (int i = 0; i < REGIONS; i++) {
                        int[] r = randomRegion(random, dw, dh);
                        regions.add(r);
                        expected.add(JpegRegionDecodeTest.decode(full, src, reduce, gray, r, false));
                    }
                    // Twice: the record's first decode takes the plain path, the second builds its
                    // index, the rest use it.
                    for (int pass = 0; pass < 2; pass++) {
                        for (int i = 0; i < REGIONS; i++) {
                            int[] r = regions.get(i);
                            ByteBuffer actual = JpegRegionDecodeTest.decode(region, src, reduce, gray, r, true);
                            assertSame(expected.get(i), actual, r[2] * (gray ? 1 : 3), v + " reduce " + reduce
                                    + (gray ? " gray" : " colour") + " pass " + pass + " region " + Arrays.toString(r));
                        }
                    }
                }
            }
        }
        long[] after = stats();
        if (indexed(v) && v.width() >= 64) {
            assertEquals(1, after[0], v + ": one record indexed");
            assertTrue(after[4] - before[4] >= 1, v + ": Huffman passes");
            assertTrue(after[3] - before[3] > REGIONS, v + ": regions decoded through the index: " + (after[3] - before[3]));
        } else if (!indexed(v)) {
            assertEquals(0, after[3] - before[3], v + ": no cut");
            assertTrue(after[6] > before[6], v + ": counted as not handled by the index");
        }
    }

    @Test
    void damagedBytesGiveTheSameOutcomeWithAndWithoutTheIndex() {
        byte[] good = JpegVariants.make("4:2:0", 2, 500, 375, false, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420,
                false, 0).jpeg();
        int scan = scanDataOffset(good);
        Random random = new Random(19);
        int refused = 0;
        int wrongButDecodable = 0;
        try (NativeDecoder decoder = new NativeDecoder()) {
            ByteBuffer goodSrc = TestImages.direct(good);
            for (int trial = 0; trial < 250; trial++) {
                byte[] bad = good.clone();
                // Mostly in the entropy-coded data, where an index stores positions.
                int from = trial % 4 == 0 ? 2 : scan;
                for (int k = 0; k < 1 + random.nextInt(3); k++) {
                    int at = from + random.nextInt(bad.length - 2 - from);
                    bad[at] = (byte) (bad[at] ^ (1 + random.nextInt(255)));
                }
                int reduce = 1 << random.nextInt(2);
                int[] r = randomRegion(random, 500 / reduce, 375 / reduce);
                ByteBuffer badSrc = TestImages.direct(bad);
                BaleNative.set_jpeg_index_budget(DEFAULT_BUDGET);
                outcome(decoder, goodSrc, reduce, r);
                Object goodFirst = outcome(decoder, goodSrc, reduce, r);  // the second decode indexes the good bytes
                // The damaged bytes: first decode, the one that indexes them, one through their index.
                Object[] indexed = new Object[3];
                for (int i = 0; i < 3; i++) {
                    indexed[i] = outcome(decoder, badSrc, reduce, r);
                }
                BaleNative.set_jpeg_index_budget(0);
                Object plain = outcome(decoder, badSrc, reduce, r);
                String what = "trial " + trial + " region " + Arrays.toString(r) + " reduce " + reduce;
                for (int i = 0; i < 3; i++) {
                    assertOutcome(plain, indexed[i], what + ", decode " + (i + 1));
                }
                if (plain instanceof String) {
                    refused++;
                } else if (!Objects.equals(plain, goodFirst)) {
                    wrongButDecodable++;
                }
            }
        }
        // Both kinds happened: damage the decoder refuses, and damage that decodes to other pixels
        // (where a stale index, applied to the damaged bytes, would have shown the good pixels).
        assertTrue(refused > 0, "no damaged JPEG was refused");
        assertTrue(wrongButDecodable > 0, "no damaged JPEG decoded to other pixels");
    }

    @Test
    void threadsThroughTheIndexDecodeAsOneThreadWithoutIt() throws Exception {
        List<Variant> variants = new ArrayList<>();
        for (Variant v : JpegVariants.all()) {
            if (indexed(v)) variants.add(v);
        }
        Random random = new Random(23);
        int jobs = 240;
        List<int[]> regions = new ArrayList<>();
        List<ByteBuffer> expected = new ArrayList<>();
        BaleNative.set_jpeg_index_budget(0);
        try (NativeDecoder one = new NativeDecoder()) {
            for (int j = 0; j < jobs; j++) {
                Variant v = variants.get(j % variants.size());
                int[] r = randomRegion(random, v.width(), v.height());
                regions.add(r);
                expected.add(JpegRegionDecodeTest.decode(one, TestImages.direct(v.jpeg()), 1, false, r, true));
            }
        }
        BaleNative.set_jpeg_index_budget(DEFAULT_BUDGET);  // empty: the threads race to build the indexes
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Integer> order = new ArrayList<>();
                for (int j = 0; j < jobs; j++) order.add(j);
                Collections.shuffle(order, new Random(t));
                futures.add(pool.submit(() -> {
                    try (NativeDecoder mine = new NativeDecoder()) {
                        for (int j : order) {
                            Variant v = variants.get(j % variants.size());
                            ByteBuffer got = JpegRegionDecodeTest.decode(mine, TestImages.direct(v.jpeg()), 1, false,
                                    regions.get(j), true);
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
        long[] s = stats();
        assertEquals(variants.size(), s[0], "one index per record");
        assertTrue(s[3] > jobs, "decoded through the index: " + s[3]);
    }

    @Test
    void aFullBudgetLeavesRecordsToThePlainPath() {
        Variant v = JpegVariants.make("4:2:0", 0, 500, 375, false, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420,
                false, 0);
        ByteBuffer src = TestImages.direct(v.jpeg());
        int[] r = {200, 180, 120, 90};
        try (NativeDecoder decoder = new NativeDecoder()) {
            ByteBuffer expected = JpegRegionDecodeTest.decode(decoder, src, 1, false, r, false);
            BaleNative.set_jpeg_index_budget(100);  // smaller than any index
            for (int i = 0; i < 3; i++) {
                assertSame(expected, JpegRegionDecodeTest.decode(decoder, src, 1, false, r, true), r[2] * 3, "no room");
            }
            long[] s = stats();
            assertEquals(0, s[0], "nothing indexed");
            assertEquals(100, s[2]);
            assertArrayEquals(new long[] {0, 0}, Arrays.copyOfRange(s, 3, 5), "no cut, no Huffman pass");
            assertEquals(2, s[5], "refused for lack of room (the first decode only remembers the record)");

            BaleNative.set_jpeg_index_budget(DEFAULT_BUDGET);
            for (int i = 0; i < 3; i++) {
                assertSame(expected, JpegRegionDecodeTest.decode(decoder, src, 1, false, r, true), r[2] * 3, "indexed");
            }
            s = stats();
            assertEquals(1, s[0]);
            assertTrue(s[1] > 0 && s[1] < 8192, "bytes held: " + s[1]);
            assertEquals(2, s[3], "the first decode takes the plain path, the next two the index");
            assertEquals(1, s[4]);
        }
    }

    @Test
    void aRecordIsIndexedWholeOnItsSecondDecode() {
        Variant v = JpegVariants.make("4:2:2", 1, 500, 375, false, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422,
                false, 0);
        ByteBuffer src = TestImages.direct(v.jpeg());
        int[][] regions = {{40, 10, 100, 30}, {20, 40, 50, 50}, {300, 150, 90, 60}, {0, 300, 500, 75}, {200, 200, 10, 10}};
        try (NativeDecoder decoder = new NativeDecoder(); NativeDecoder full = new NativeDecoder()) {
            for (int i = 0; i < regions.length; i++) {
                int[] r = regions[i];
                assertSame(JpegRegionDecodeTest.decode(full, src, 1, false, r, false),
                        JpegRegionDecodeTest.decode(decoder, src, 1, false, r, true), r[2] * 3, Arrays.toString(r));
                long[] s = stats();
                assertEquals(i == 0 ? 0 : 1, s[0], "records indexed after " + Arrays.toString(r));
                assertEquals(i == 0 ? 0 : 1, s[4], "one Huffman pass, on the second decode, for every row");
                assertEquals(i, s[3], "through the index");
            }
        }
    }

    @Test
    void byDefaultRecordsAreIndexedOnOneOfTheirDecodesTwoToFive() {
        BaleNative.set_jpeg_index_spread(DEFAULT_SPREAD);
        byte[] jpeg = JpegVariants.make("4:2:0", 2, 320, 240, false, opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420,
                false, 0).jpeg();
        int[] r = {100, 60, 120, 90};
        int[] builtOn = new int[7];
        try (NativeDecoder decoder = new NativeDecoder(); NativeDecoder full = new NativeDecoder()) {
            for (int record = 0; record < 40; record++) {
                ByteBuffer src = TestImages.direct(withComment(jpeg, "record " + record));  // same pixels, other bytes
                ByteBuffer expected = JpegRegionDecodeTest.decode(full, src, 1, false, r, false);
                int built = 0;
                for (int decode = 1; decode <= 6; decode++) {
                    long before = stats()[4];
                    assertSame(expected, JpegRegionDecodeTest.decode(decoder, src, 1, false, r, true), r[2] * 3,
                            "record " + record + ", decode " + decode);
                    if (stats()[4] > before) {
                        assertEquals(0, built, "record " + record + " indexed twice");
                        built = decode;
                    }
                }
                assertTrue(built >= 2 && built <= 5, "record " + record + " indexed on decode " + built);
                builtOn[built]++;
            }
        }
        assertEquals(40, stats()[0]);
        long decodesUsed = Arrays.stream(builtOn).filter(n -> n > 0).count();
        assertTrue(decodesUsed >= 3, "indexing shared out over the epochs: " + Arrays.toString(builtOn));
    }

    /** {@code jpeg} with a COM segment after SOI: other bytes (another record's hash), the same image. */
    private static byte[] withComment(byte[] jpeg, String text) {
        byte[] comment = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int length = comment.length + 2;
        byte[] out = new byte[jpeg.length + 4 + comment.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        out[4] = (byte) (length >> 8);
        out[5] = (byte) length;
        System.arraycopy(comment, 0, out, 6, comment.length);
        System.arraycopy(jpeg, 2, out, 6 + comment.length, jpeg.length - 2);
        return out;
    }

    /** The decoded pixels, or the error message (status and message) if decoding failed. */
    private static Object outcome(NativeDecoder decoder, ByteBuffer src, int reduce, int[] r) {
        try {
            return JpegRegionDecodeTest.decode(decoder, src, reduce, false, r, true);
        } catch (NativeDecodeException e) {
            return e.status() + ": " + e.getMessage();
        }
    }

    private static void assertOutcome(Object expected, Object actual, String what) {
        if (expected instanceof ByteBuffer e && actual instanceof ByteBuffer a) {
            assertTrue(e.mismatch(a) < 0, what + ": other pixels through the index");
        } else {
            assertEquals(String.valueOf(expected instanceof ByteBuffer ? "pixels" : expected),
                    String.valueOf(actual instanceof ByteBuffer ? "pixels" : actual), what);
        }
    }

    private static long[] stats() {
        return JpegIndexStats.read();
    }

    /** The first byte after the start-of-scan segment. */
    private static int scanDataOffset(byte[] jpeg) {
        for (int i = 2; i + 3 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                return i + 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
            }
        }
        throw new IllegalStateException("no SOS marker");
    }
}
