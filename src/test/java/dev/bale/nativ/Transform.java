package dev.bale.nativ;

import dev.bale.nativ.BaleNative.TransformParams;

/** A test's description of one decode_transform call: applied to the native struct and to {@link OpenCvReference}. */
final class Transform {
    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    int reduce = 1;
    boolean grayscale;
    int cropX, cropY, cropW, cropH;
    int outW, outH;
    boolean flip;
    float brightness = 1, contrast = 1, saturation = 1;
    int output = BaleNative.OUTPUT_FLOAT32_CHW;
    float[] mean = {0, 0, 0};
    float[] std = {1, 1, 1};
    int expectW, expectH;

    /** Crop (x, y, w, h) resized to size x size, float32 CHW normalized with the ImageNet statistics. */
    static Transform crop(int x, int y, int w, int h, int size) {
        Transform t = new Transform();
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
    static Transform evalCrop(int width, int height) {
        int side = Math.round(Math.min(width, height) * 224f / 256f);
        return crop((width - side) / 2, (height - side) / 2, side, side, 224);
    }

    Transform reduce(int factor) {
        reduce = factor;
        return this;
    }

    Transform output(int layout) {
        output = layout;
        return this;
    }

    Transform flip() {
        flip = true;
        return this;
    }

    Transform jitter(float brightness, float contrast, float saturation) {
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        return this;
    }

    int channels() {
        return grayscale ? 1 : 3;
    }

    int outputBytes() {
        return outW * outH * channels() * (output == BaleNative.OUTPUT_FLOAT32_CHW ? Float.BYTES : 1);
    }

    void applyTo(TransformParams p) {
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
