package dev.bale.testing;

import dev.bale.nativ.BaleNative;
import dev.bale.nativ.BaleNative.TransformParams;

/** A test's description of one decode_transform call: applied to the native struct and to {@link OpenCvReference}. */
public final class NativeParams {
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public int reduce = 1;
    public boolean grayscale;
    public int cropX, cropY, cropW, cropH;
    public int outW, outH;
    public boolean flip;
    public float brightness = 1, contrast = 1, saturation = 1;
    public int output = BaleNative.OUTPUT_FLOAT32_CHW;
    public float[] mean = {0, 0, 0};
    public float[] std = {1, 1, 1};
    public int expectW, expectH;

    /** Crop (x, y, w, h) resized to size x size, float32 CHW normalized with the ImageNet statistics. */
    public static NativeParams crop(int x, int y, int w, int h, int size) {
        NativeParams t = new NativeParams();
        t.cropX = x;
        t.cropY = y;
        t.cropW = w;
        t.cropH = h;
        t.outW = size;
        t.outH = size;
        t.mean = IMAGENET_MEAN.clone();
        t.std = IMAGENET_STD.clone();
        return t;
    }

    /**
     * Evaluation-style crop of a {@code width x height} decoded image: the central square that a resize of
     * the shorter side to 256 followed by a 224 centre crop would keep, resized to 224.
     */
    public static NativeParams evalCrop(int width, int height) {
        int side = Math.round(Math.min(width, height) * 224f / 256f);
        return crop((width - side) / 2, (height - side) / 2, side, side, 224);
    }

    public NativeParams reduce(int factor) {
        reduce = factor;
        return this;
    }

    public NativeParams output(int layout) {
        output = layout;
        return this;
    }

    public NativeParams flip() {
        flip = true;
        return this;
    }

    public NativeParams jitter(float brightness, float contrast, float saturation) {
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        return this;
    }

    public int channels() {
        return grayscale ? 1 : 3;
    }

    public int outputBytes() {
        return outW * outH * channels() * (output == BaleNative.OUTPUT_FLOAT32_CHW ? Float.BYTES : 1);
    }

    public void applyTo(TransformParams p) {
        p.reduce(reduce).grayscale(grayscale ? 1 : 0).crop_x(cropX).crop_y(cropY).crop_w(cropW).crop_h(cropH)
                .out_w(outW).out_h(outH).flip(flip ? 1 : 0).brightness(brightness).contrast(contrast)
                .saturation(saturation).output(output).expect_w(expectW).expect_h(expectH);
        for (int c = 0; c < 3; c++) {
            p.mean(c, mean[c]).std(c, std[c]);
        }
    }

    @Override
    public String toString() {
        return String.format("reduce %d%s crop %dx%d+%d+%d -> %dx%d%s jitter %.2f/%.2f/%.2f output %d",
                reduce, grayscale ? " gray" : "", cropW, cropH, cropX, cropY, outW, outH, flip ? " flip" : "",
                brightness, contrast, saturation, output);
    }
}
