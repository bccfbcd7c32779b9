package dev.bale.loader;

import dev.bale.image.ImageHeader;
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
    private final long[] pixels = new long[2];

    /**
     * @param channels 1 or 3
     * @param width    for {@link Transform.Mode#NONE}: the size every image must have (else ignored)
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
        if (transform.mode() != Transform.Mode.NONE) {
            ImageHeader header = ImageHeader.probe(encoded).orElseThrow(
                    () -> new BadImageException("not a JPEG or PNG whose header can be read"));
            boolean jpeg = encoded.remaining() > 1 && (encoded.get(encoded.position()) & 0xFF) == 0xFF;
            planner.plan(header.width(), header.height(), jpeg, epoch, index, plan);
            decoder.params().reduce(plan.reduce).crop_x(plan.cropX).crop_y(plan.cropY).crop_w(plan.cropWidth)
                    .crop_h(plan.cropHeight).out_w(plan.outWidth).out_h(plan.outHeight).flip(plan.flip ? 1 : 0)
                    .brightness(plan.brightness).contrast(plan.contrast).saturation(plan.saturation);
        }
        decoder.decode(encoded, target, offset);
    }

    /** Bytes one sample takes; valid once a sample's size is set (always for NONE, else after a decode). */
    public long outputBytes() {
        return decoder.outputBytes();
    }

    /** Nanoseconds the last decode spent decoding ([0]) and transforming ([1]); the array is reused. */
    public long[] lastStageNanos() {
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
