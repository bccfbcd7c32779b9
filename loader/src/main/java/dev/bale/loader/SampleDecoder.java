package dev.bale.loader;

import dev.bale.container.RawPixels;
import dev.bale.image.DeclaredSize;
import dev.bale.image.ImageHeader;
import dev.bale.image.ImageLimits;
import dev.bale.nativ.BaleNative;
import dev.bale.nativ.NativeDecoder;
import dev.bale.transform.Planner;
import dev.bale.transform.SamplePlan;
import dev.bale.transform.Transform;
import java.nio.ByteBuffer;

/**
 * One thread's path from encoded bytes to a transformed sample: plans the sample's crop and random
 * choices, then makes the one native call that decodes and transforms into the target buffer. What
 * every worker runs, and what the benchmarks measure alone.
 */
public final class SampleDecoder implements AutoCloseable {
    private final NativeDecoder decoder = new NativeDecoder();
    private final Transform transform;
    private final Planner planner;
    private final SamplePlan plan = new SamplePlan();
    private final long[] stages = new long[2];
    /** With a hook, the stage times of the last sample, the hook counted as transform time. */
    private final long[] hookedStages = new long[2];
    private boolean hooked;
    private final int width;
    private final int height;
    private final int channels;
    private SampleHook hook;
    private ByteBuffer hookPixels;
    private final SampleImage hookImage = new SampleImage();
    private final long[] pixels = new long[2];

    /**
     * @param channels 1 or 3
     * @param width    for {@link Transform.Mode#NONE}: the size every image must have; for a pipeline
     *                 the output size every sample must have (the batch's); else ignored
     * @param height   likewise
     */
    public SampleDecoder(Transform transform, long seed, int channels, int width, int height) {
        this(transform, seed, channels, width, height, true);
    }

    /**
     * @param jpegRegions whether a JPEG's crop is decoded alone (libjpeg-turbo partial decoding) when
     *                    {@link Transform#reducedDecode()} allows it; false decodes the whole JPEG with
     *                    OpenCV and crops, as Bale did before region decoding (for comparisons)
     */
    public SampleDecoder(Transform transform, long seed, int channels, int width, int height, boolean jpegRegions) {
        this.transform = transform;
        this.planner = new Planner(transform, seed);
        this.width = width;
        this.height = height;
        this.channels = channels;
        BaleNative.TransformParams params = decoder.params();
        params.grayscale(channels == 1 ? 1 : 0).output(switch (transform.output()) {
            case FLOAT_CHW -> BaleNative.OUTPUT_FLOAT32_CHW;
            case UINT8_CHW -> BaleNative.OUTPUT_UINT8_CHW;
            case UINT8_HWC -> BaleNative.OUTPUT_UINT8_HWC;
        });
        float[] mean = transform.mean();
        float[] std = transform.std();
        for (int c = 0; c < 3; c++) {
            params.mean(c, mean[c]).std(c, std[c]);
        }
        // --exact (no reduced decode) keeps the full decode at full scale.
        params.region_decode(jpegRegions && transform.reducedDecode() ? 1 : 0);
        if (transform.mode() == Transform.Mode.NONE) {
            params.expect_w(width).expect_h(height).out_w(width).out_h(height);
        }
    }

    /**
     * Decodes record {@code index} of epoch {@code epoch} from {@code encoded} (a direct buffer) into
     * {@code target} at {@code offset}.
     *
     * @throws dev.bale.nativ.NativeDecodeException if it cannot be decoded as planned
     * @throws BadImageException                    if its header cannot be read for planning
     */
    public void decode(ByteBuffer encoded, int epoch, int index, ByteBuffer target, long offset) {
        // The size a header declares is capped before native code allocates for it.
        String tooLarge = DeclaredSize.of(encoded).map(ImageLimits::problem).orElse(null);
        if (tooLarge != null) {
            throw new BadImageException(tooLarge);
        }
        if (transform.mode() != Transform.Mode.NONE) {
            ImageHeader header = ImageHeader.probe(encoded).orElseThrow(
                    () -> new BadImageException("not a JPEG or PNG whose header can be read"));
            boolean jpeg = encoded.remaining() > 1 && (encoded.get(encoded.position()) & 0xFF) == 0xFF;
            planner.plan(header.width(), header.height(), jpeg, epoch, index, plan);
            if (transform.mode() == Transform.Mode.PIPELINE) {
                if (plan.outWidth != width || plan.outHeight != height) {
                    throw new BadImageException("the transform makes this " + header.width() + "x" + header.height()
                            + " image " + plan.outWidth + "x" + plan.outHeight + ", the batch is " + width + "x"
                            + height + " (a pipeline without a fixed output size needs same-size images)");
                }
                BaleNative.TransformParams p = decoder.params();
                p.warp(plan.warp ? 1 : 0).fill(plan.fill).content_w(plan.contentWidth).hue(plan.hue)
                        .jitter_order(plan.jitterOrder).to_gray(plan.gray ? 1 : 0);
                for (int i = 0; i < 9; i++) {
                    p.matrix(i, plan.matrix[i]);
                }
            }
            decoder.params().reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                    .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight).flip(plan.flip ? 1 : 0)
                    .brightness(plan.brightness).contrast(plan.contrast).saturation(plan.saturation);
        }
        if (hook == null) {
            decoder.decode(encoded, target, offset);
        } else {
            decodeWithHook(encoded, index, target, offset);
        }
    }

    /**
     * Runs {@code hook} on every sample between the geometry and the colour ops (null: none). Costs
     * a copy of the sample out of native code and back, and a second native call.
     */
    public void hook(SampleHook hook) {
        this.hook = hook;
    }

    private void decodeWithHook(ByteBuffer encoded, int index, ByteBuffer target, long offset) {
        BaleNative.TransformParams p = decoder.params();
        float b = p.brightness();
        float c = p.contrast();
        float s = p.saturation();
        float hue = p.hue();
        int order = p.jitter_order();
        int gray = p.to_gray();
        int output = p.output();
        int bytes = p.out_w() * p.out_h() * channels;
        if (hookPixels == null || hookPixels.capacity() < bytes) {
            hookPixels = ByteBuffer.allocateDirect(bytes);
        }
        ByteBuffer pixels = hookPixels.duplicate().clear().limit(bytes);
        p.brightness(1).contrast(1).saturation(1).hue(0).jitter_order(0).to_gray(0).output(BaleNative.OUTPUT_UINT8_HWC);
        try {
            decoder.decode(encoded, pixels, 0);
        } finally {
            p.brightness(b).contrast(c).saturation(s).hue(hue).jitter_order(order).to_gray(gray).output(output);
        }
        decoder.lastStageNanos(stages);
        long decodeNanos = stages[0];
        long geometryNanos = stages[1];
        long t0 = System.nanoTime();
        hookImage.set(pixels, p.out_w(), p.out_h(), channels, p.content_w() > 0 ? p.content_w() : p.out_w());
        hook.apply(index, hookImage);
        long hookNanos = System.nanoTime() - t0;
        decoder.transformPixels(pixels.clear().limit(bytes), channels, target, offset);
        decoder.lastStageNanos(stages);
        hookedStages[0] = decodeNanos;
        hookedStages[1] = geometryNanos + hookNanos + stages[1];
        hooked = true;
    }

    /** The real width of the last sample: a text line's before padding, else the output width. */
    public int lastWidth() {
        return transform.mode() == Transform.Mode.NONE ? width
                : plan.contentWidth > 0 ? plan.contentWidth : plan.outWidth;
    }

    /**
     * As {@link #decode(ByteBuffer, int, int, ByteBuffer, long)}, for a record that holds raw pixels
     * of layout {@code raw} (a reader's {@code rawPixels()}); null means encoded bytes.
     */
    public void decode(ByteBuffer bytes, RawPixels raw, int epoch, int index, ByteBuffer target, long offset) {
        if (raw == null) {
            decode(bytes, epoch, index, target, offset);
            return;
        }
        if (transform.mode() != Transform.Mode.NONE) {
            planner.plan(raw.width(), raw.height(), false, epoch, index, plan);
            decoder.params().reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                    .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight).flip(plan.flip ? 1 : 0)
                    .brightness(plan.brightness).contrast(plan.contrast).saturation(plan.saturation);
        }
        decoder.decodeRaw(bytes, raw, target, offset);
    }

    /** Bytes one sample takes; valid once a sample's size is set (always for NONE, else after a decode). */
    public long outputBytes() {
        return decoder.outputBytes();
    }

    /** Nanoseconds the last decode spent decoding ([0]) and transforming ([1]); the array is reused. */
    public long[] lastStageNanos() {
        if (hooked) {
            hooked = false;
            stages[0] = hookedStages[0];
            stages[1] = hookedStages[1];
            return stages;
        }
        decoder.lastStageNanos(stages);
        return stages;
    }

    /**
     * Pixels the last decode decoded ([0]) and the whole image's pixels at the scale it decoded at
     * ([1]); the array is reused.
     */
    public long[] lastDecodedPixels() {
        decoder.lastDecodedPixels(pixels);
        return pixels;
    }

    @Override
    public void close() {
        decoder.close();
    }

    /** An image the planner cannot handle: its header cannot be read. */
    public static final class BadImageException extends RuntimeException {
        BadImageException(String message) {
            super(message);
        }
    }
}
