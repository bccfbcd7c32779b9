package dev.bale.nativ;

import dev.bale.testing.NativeParams;
import dev.bale.testing.OpenCvReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.synthetic.SyntheticDataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NativeDecoderTest {
    private static final int W = TestImages.PHOTO_WIDTH;
    private static final int H = TestImages.PHOTO_HEIGHT;

    private NativeDecoder decoder;

    @BeforeEach
    void open() {
        decoder = new NativeDecoder();
    }

    @AfterEach
    void close() {
        decoder.close();
    }

    static Stream<Arguments> photoTransforms() {
        // Reduced by 2, the 500x375 JPEG decodes to 250x188 (libjpeg rounds up).
        return Stream.of(
                Arguments.of("eval crop", NativeParams.evalCrop(W, H)),
                Arguments.of("eval crop, reduce 2", NativeParams.evalCrop(250, 188).reduce(2)),
                Arguments.of("eval crop, reduce 4", NativeParams.evalCrop(125, 94).reduce(4)),
                Arguments.of("flip and jitter", NativeParams.crop(40, 17, 301, 260, 224).flip().jitter(1.25f, 0.7f, 1.4f)),
                Arguments.of("jitter, reduce 2", NativeParams.crop(10, 5, 180, 150, 160).reduce(2).jitter(0.8f, 1.3f, 0.5f)),
                Arguments.of("uint8 CHW", NativeParams.evalCrop(W, H).output(BaleNative.OUTPUT_UINT8_CHW)),
                Arguments.of("uint8 HWC", NativeParams.evalCrop(W, H).output(BaleNative.OUTPUT_UINT8_HWC)),
                Arguments.of("uint8 CHW, flip and jitter",
                        NativeParams.crop(0, 0, 500, 375, 128).flip().jitter(1.1f, 1.2f, 0.9f).output(BaleNative.OUTPUT_UINT8_CHW)),
                Arguments.of("uint8 HWC, flip and jitter",
                        NativeParams.crop(0, 0, 500, 375, 128).flip().jitter(1.1f, 1.2f, 0.9f).output(BaleNative.OUTPUT_UINT8_HWC)),
                Arguments.of("whole image, no resize", noResize(W, H)),
                Arguments.of("upscaled crop", NativeParams.crop(200, 150, 50, 40, 224)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("photoTransforms")
    void photoMatchesJavaOpenCvBitForBit(String name, NativeParams t) {
        for (int i = 0; i < 3; i++) {
            ByteBuffer photo = TestImages.photo(i);
            assertArrayEquals(bytes(OpenCvReference.apply(photo, t)), decode(photo, t), name + ", image " + i + ": " + t);
        }
    }

    static Stream<Arguments> tinyOutputs() {
        return Stream.of(BaleNative.OUTPUT_FLOAT32_CHW, BaleNative.OUTPUT_UINT8_CHW, BaleNative.OUTPUT_UINT8_HWC)
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "output {0}")
    @MethodSource("tinyOutputs")
    void tinyGrayscalePngMatchesJavaOpenCvBitForBit(int output) {
        NativeParams t = tinyTransform().output(output);
        for (int i = 0; i < 5; i++) {
            ByteBuffer png = TestImages.tiny(i);
            byte[] actual = decode(png, t);
            assertEquals(28 * 28 * (output == BaleNative.OUTPUT_FLOAT32_CHW ? 4 : 1), actual.length);
            assertArrayEquals(bytes(OpenCvReference.apply(png, t)), actual, "image " + i);
        }
    }

    @Test
    void uint8HwcIsTheDecodedImageInRgbOrder() {
        // Independent of OpenCV's own conversions: compare with the decoded BGR bytes, swapped by hand.
        ByteBuffer photo = TestImages.photo(0);
        byte[] rgb = decode(photo, noResize(W, H).output(BaleNative.OUTPUT_UINT8_HWC));
        byte[] bgr = decodedBytes(photo);
        for (int i = 0; i < W * H; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(bgr[3 * i + 2 - c], rgb[3 * i + c], "pixel " + i + " channel " + c);
            }
        }
    }

    @Test
    void layoutsAgree() {
        ByteBuffer photo = TestImages.photo(1);
        NativeParams t = NativeParams.crop(31, 7, 400, 300, 96).flip().jitter(1.1f, 0.9f, 1.2f);
        byte[] hwc = decode(photo, t.output(BaleNative.OUTPUT_UINT8_HWC));
        byte[] chw = decode(photo, t.output(BaleNative.OUTPUT_UINT8_CHW));
        float[] normalized = floats(decode(photo, t.output(BaleNative.OUTPUT_FLOAT32_CHW)));
        int plane = 96 * 96;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                int value = chw[c * plane + i] & 0xFF;
                assertEquals(hwc[3 * i + c] & 0xFF, value);
                float expected = (value / 255f - NativeParams.IMAGENET_MEAN[c]) / NativeParams.IMAGENET_STD[c];
                assertEquals(expected, normalized[c * plane + i], 1e-5f);
            }
        }
    }

    @Test
    void writesAtTheOffsetAndNothingElse() {
        ByteBuffer photo = TestImages.photo(2);
        NativeParams t = NativeParams.evalCrop(W, H).output(BaleNative.OUTPUT_UINT8_CHW);
        int size = t.outputBytes();
        ByteBuffer batch = ByteBuffer.allocateDirect(3 * size);
        for (int i = 0; i < batch.capacity(); i++) {
            batch.put(i, (byte) 0x5A);
        }
        t.applyTo(decoder.params());
        decoder.decode(photo, batch, size);

        byte[] all = bytes(batch);
        byte[] slot = Arrays.copyOfRange(all, size, 2 * size);
        assertArrayEquals(bytes(OpenCvReference.apply(photo, t)), slot);
        for (int i = 0; i < all.length; i++) {
            if (i < size || i >= 2 * size) {
                assertEquals(0x5A, all[i], "byte " + i + " outside the slot");
            }
        }
        assertEquals(0, batch.position());
        assertEquals(0, photo.position());
    }

    @Test
    void undecodableBytesFail() {
        decode(TestImages.photo(0), NativeParams.evalCrop(W, H)); // a good image first: its pixels must not leak into the next call
        byte[] random = new byte[5000];
        new Random(7).nextBytes(random);
        assertStatus(BaleNative.STATUS_UNDECODABLE, "not a decodable image", TestImages.direct(random), NativeParams.evalCrop(W, H));
    }

    @Test
    void jpegCutToTenBytesFails() {
        ByteBuffer cut = TestImages.direct(Arrays.copyOf(TestImages.bytes(TestImages.photo(0)), 10));
        assertStatus(BaleNative.STATUS_UNDECODABLE, "not a decodable image", cut, NativeParams.evalCrop(W, H));
    }

    @Test
    void emptyInputFails() {
        assertStatus(BaleNative.STATUS_UNDECODABLE, "empty input", ByteBuffer.allocateDirect(0), NativeParams.evalCrop(W, H));
    }

    @Test
    void messageIsExactlyTheNativeOne() {
        NativeParams t = NativeParams.evalCrop(W, H);
        t.applyTo(decoder.params());
        NativeDecodeException e = assertThrows(NativeDecodeException.class,
                () -> decoder.decode(ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(t.outputBytes()), 0));
        assertEquals("empty input: 0 bytes", e.getMessage());
    }

    @Test
    void pngChunkClaimingMoreThanTheFileIsRefusedBeforeDecoding() {
        // Without the check, OpenCV allocates what the IDAT length claims: 3 GB here.
        byte[] png = TestImages.bytes(TestImages.tiny(0));
        int idat = 8 + 12 + 13; // signature, IHDR
        assertEquals("IDAT", new String(png, idat + 4, 4, StandardCharsets.US_ASCII));
        ByteBuffer.wrap(png).putInt(idat, 0xBA000000);
        assertStatus(BaleNative.STATUS_UNDECODABLE, "PNG chunk IDAT at byte 33 claims 3120562176 bytes", TestImages.direct(png),
                tinyTransform());
    }

    @Test
    void cropOutsideTheDecodedImageFails() {
        // In full-size coordinates, but decoded at half size.
        assertStatus(BaleNative.STATUS_BAD_GEOMETRY, "outside the decoded 250x188 image", TestImages.photo(0),
                NativeParams.evalCrop(W, H).reduce(2));
        assertStatus(BaleNative.STATUS_BAD_GEOMETRY, "outside", TestImages.photo(0), NativeParams.crop(400, 0, 101, 10, 8));
    }

    @Test
    void unexpectedSizeFails() {
        NativeParams t = tinyTransform();
        t.expectW = 32;
        t.expectH = 32;
        assertStatus(BaleNative.STATUS_BAD_GEOMETRY, "decoded image is 28x28, expected 32x32", TestImages.tiny(0), t);
    }

    @Test
    void badParametersFail() {
        assertStatus(BaleNative.STATUS_BAD_PARAMS, "reduce", TestImages.photo(0), NativeParams.evalCrop(W, H).reduce(3));
        NativeParams zeroStd = NativeParams.evalCrop(W, H);
        zeroStd.std[1] = 0;
        assertStatus(BaleNative.STATUS_BAD_PARAMS, "std", TestImages.photo(0), zeroStd);
        assertStatus(BaleNative.STATUS_BAD_PARAMS, "output", TestImages.photo(0), NativeParams.evalCrop(W, H).output(7));
        assertStatus(BaleNative.STATUS_BAD_PARAMS, "brightness", TestImages.photo(0),
                NativeParams.evalCrop(W, H).jitter(Float.NaN, 1, 1));
    }

    @Test
    void damagedImagesDecodeOrFailCleanly() {
        // Cut short or with bytes overwritten: each either decodes or throws NativeDecodeException.
        NativeParams t = noResize(0, 0);
        t.outW = 32;
        t.outH = 32;
        Random random = new Random(3);
        byte[][] originals = {
                SyntheticDataset.encode(SyntheticDataset.Spec.photos(1, 160, 120), 0),
                TestImages.bytes(TestImages.tiny(0))};
        int failed = 0;
        for (byte[] original : originals) {
            for (int i = 0; i < 300; i++) {
                byte[] damaged;
                if (i % 2 == 0) {
                    damaged = Arrays.copyOf(original, 1 + random.nextInt(original.length - 1));
                } else {
                    damaged = original.clone();
                    for (int k = 1 + random.nextInt(20); k > 0; k--) {
                        damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                    }
                }
                try {
                    decode(TestImages.direct(damaged), t);
                } catch (NativeDecodeException e) {
                    assertTrue(e.status() == BaleNative.STATUS_UNDECODABLE || e.status() == BaleNative.STATUS_OPENCV_ERROR,
                            e.getMessage());
                    failed++;
                }
            }
        }
        assertTrue(failed > 0, "no damaged image was refused");
    }

    @Test
    void heapBuffersAndShortTargetsAreRefusedBeforeNativeCode() {
        NativeParams t = NativeParams.evalCrop(W, H);
        t.applyTo(decoder.params());
        ByteBuffer target = ByteBuffer.allocateDirect(t.outputBytes());
        ByteBuffer heap = ByteBuffer.wrap(TestImages.bytes(TestImages.photo(0)));
        assertThrows(IllegalArgumentException.class, () -> decoder.decode(heap, target, 0));
        assertThrows(IllegalArgumentException.class,
                () -> decoder.decode(TestImages.photo(0), ByteBuffer.allocate(t.outputBytes()), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.decode(TestImages.photo(0), target, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.decode(TestImages.photo(0), target, -1));
    }

    @Test
    void channelIndexIsCheckedAndClosedDecoderRefuses() {
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.params().mean(3, 0.5f));
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.params().std(-1));
        decoder.close();
        assertThrows(IllegalStateException.class,
                () -> decoder.decode(TestImages.photo(0), ByteBuffer.allocateDirect(16), 0));
    }

    @Test
    void decoderKeepsWorkingAfterFailures() {
        ByteBuffer photo = TestImages.photo(0);
        NativeParams t = NativeParams.evalCrop(W, H);
        byte[] before = decode(photo, t);
        assertThrows(NativeDecodeException.class, () -> decode(TestImages.direct(new byte[] {1, 2, 3}), t));
        assertThrows(NativeDecodeException.class, () -> decode(photo, NativeParams.crop(0, 0, 501, 10, 8)));
        assertArrayEquals(before, decode(photo, t));
    }

    /** The 28x28 PNG as is: one channel, no resize, size checked, MNIST normalization. */
    private static NativeParams tinyTransform() {
        NativeParams t = noResize(28, 28);
        t.grayscale = true;
        t.expectW = 28;
        t.expectH = 28;
        t.mean = new float[] {0.1307f, 0, 0};
        t.std = new float[] {0.3081f, 1, 1};
        return t;
    }

    private static NativeParams noResize(int width, int height) {
        NativeParams t = NativeParams.crop(0, 0, width, height, 0);
        t.outW = width;
        t.outH = height;
        return t;
    }

    private byte[] decode(ByteBuffer encoded, NativeParams t) {
        t.applyTo(decoder.params());
        assertEquals(t.outputBytes(), decoder.outputBytes());
        ByteBuffer target = ByteBuffer.allocateDirect(t.outputBytes());
        decoder.decode(encoded, target, 0);
        return bytes(target);
    }

    private void assertStatus(int status, String message, ByteBuffer encoded, NativeParams t) {
        t.applyTo(decoder.params());
        ByteBuffer target = ByteBuffer.allocateDirect(Math.max(1, t.outputBytes()));
        NativeDecodeException e = assertThrows(NativeDecodeException.class, () -> decoder.decode(encoded, target, 0));
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static byte[] decodedBytes(ByteBuffer encoded) {
        try (PointerScope scope = new PointerScope()) {
            Mat buf = new Mat(1, encoded.remaining(), opencv_core.CV_8UC1, new BytePointer(encoded));
            Mat image = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION);
            byte[] bytes = new byte[(int) image.total() * image.channels()];
            image.data().get(bytes);
            return bytes;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.capacity()];
        buffer.duplicate().clear().get(bytes);
        return bytes;
    }

    private static float[] floats(byte[] bytes) {
        float[] floats = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().get(floats);
        return floats;
    }
}
