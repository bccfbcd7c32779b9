package dev.bale.transform;

import java.util.Arrays;

/**
 * What to make of each decoded image, with torchvision's semantics so results can be compared:
 * <ul>
 *   <li>{@link Mode#EVAL}: Resize(shorter side to {@code resize}) + CenterCrop({@code crop}), done
 *       as one crop of the source region that maps to the centre crop, resized once;</li>
 *   <li>{@link Mode#TRAIN}: RandomResizedCrop({@code crop}, scale, ratio) + RandomHorizontalFlip(p),
 *       optional colour jitter (brightness, contrast, saturation, applied in that order);</li>
 *   <li>{@link Mode#NONE}: decode only; every image must then have the same size.</li>
 * </ul>
 * Output is float32 CHW normalized with mean/std, or uint8 CHW/HWC left for the GPU to normalize.
 * Channels are RGB (OpenCV's BGR is reordered), or 1 for grayscale data.
 */
public record Transform(Mode mode, int resize, int crop, double minScale, double maxScale, double minRatio,
                        double maxRatio, double flipProbability, float brightness, float contrast, float saturation,
                        Output output, float[] mean, float[] std, Channels channels, boolean reducedDecode,
                        Pipeline pipeline) {

    /** PIPELINE: {@link #compose}d ops; {@link #pipeline()} holds them (null for the other modes). */
    public enum Mode { NONE, EVAL, TRAIN, PIPELINE }

    public enum Output { FLOAT_CHW, UINT8_CHW, UINT8_HWC }

    /** AUTO takes 1 channel when the first record is grayscale, else 3. */
    public enum Channels { AUTO, GRAY, RGB }

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** The transform without a pipeline (modes NONE, EVAL, TRAIN), as before pipelines existed. */
    public Transform(Mode mode, int resize, int crop, double minScale, double maxScale, double minRatio,
                     double maxRatio, double flipProbability, float brightness, float contrast, float saturation,
                     Output output, float[] mean, float[] std, Channels channels, boolean reducedDecode) {
        this(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness, contrast,
                saturation, output, mean, std, channels, reducedDecode, null);
    }

    public Transform {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (a grayscale image uses the first)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive: " + Arrays.toString(std));
            }
        }
        if ((mode == Mode.PIPELINE) != (pipeline != null)) {
            throw new IllegalArgumentException("a pipeline transform needs its ops, and only it has them");
        }
        if (mode != Mode.NONE && mode != Mode.PIPELINE && (crop < 1 || (mode == Mode.EVAL && resize < crop))) {
            throw new IllegalArgumentException("need 1 <= crop <= resize, got resize " + resize + ", crop " + crop);
        }
        if (!(0 < minScale && minScale <= maxScale && maxScale <= 1 && 0 < minRatio && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("bad RandomResizedCrop scale/ratio ranges");
        }
        if (brightness < 0 || contrast < 0 || saturation < 0) {
            throw new IllegalArgumentException("colour jitter strengths must be >= 0");
        }
    }

    /** Resize 256 + CenterCrop 224, ImageNet normalization, float CHW. */
    public static Transform eval() {
        return eval(256, 224);
    }

    public static Transform eval(int resize, int crop) {
        return new Transform(Mode.EVAL, resize, crop, 0.08, 1, 3.0 / 4, 4.0 / 3, 0, 0, 0, 0, Output.FLOAT_CHW,
                IMAGENET_MEAN, IMAGENET_STD, Channels.AUTO, true);
    }

    /** RandomResizedCrop 224 (scale 0.08–1, ratio 3/4–4/3) + flip p=0.5, ImageNet normalization. */
    public static Transform train() {
        return train(224);
    }

    public static Transform train(int crop) {
        return new Transform(Mode.TRAIN, crop, crop, 0.08, 1, 3.0 / 4, 4.0 / 3, 0.5, 0, 0, 0, Output.FLOAT_CHW,
                IMAGENET_MEAN, IMAGENET_STD, Channels.AUTO, true);
    }

    /** Decode only, same-size images, float CHW scaled to [0, 1] (mean 0, std 1). */
    public static Transform none() {
        return new Transform(Mode.NONE, 0, 0, 0.08, 1, 3.0 / 4, 4.0 / 3, 0, 0, 0, 0, Output.FLOAT_CHW,
                new float[] {0, 0, 0}, new float[] {1, 1, 1}, Channels.AUTO, false);
    }

    public Transform withColorJitter(float brightness, float contrast, float saturation) {
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, pipeline);
    }

    public Transform withOutput(Output output) {
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, pipeline);
    }

    public Transform withNormalization(float[] mean, float[] std) {
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, pipeline);
    }

    public Transform withChannels(Channels channels) {
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, pipeline);
    }

    /** Whether a JPEG may be decoded at 1/2, 1/4 or 1/8 scale when the output is that much smaller. */
    public Transform withReducedDecode(boolean reducedDecode) {
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, pipeline);
    }

    public Transform withFlipProbability(double p) {
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, p, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, pipeline);
    }

    /**
     * torchvision's {@code Compose}: the ops in order, all geometric ones fused into one matrix and
     * one resampling pass, colour ops and normalization into one pass over the output. Output float32
     * CHW in [0, 1] unless a {@link Normalize} says otherwise; one gray channel after
     * {@code Grayscale.of(1)}, else RGB (or 1 channel for grayscale data, as the presets).
     */
    public static Transform compose(Op... ops) {
        return compose(java.util.List.of(ops), TextLine.PadPolicy.BATCH_MAX);
    }

    public static Transform compose(java.util.List<Op> ops, TextLine.PadPolicy padPolicy) {
        float[] mean = {0, 0, 0};
        float[] std = {1, 1, 1};
        Channels channels = Channels.AUTO;
        for (Op op : ops) {
            if (op instanceof Normalize n) {
                mean = n.mean();
                std = n.std();
            } else if (op instanceof Grayscale g && g.channels() == 1) {
                channels = Channels.GRAY;
            }
        }
        return new Transform(Mode.PIPELINE, 0, 0, 0.08, 1, 3.0 / 4, 4.0 / 3, 0, 0, 0, 0, Output.FLOAT_CHW, mean, std,
                channels, true, new Pipeline(ops, padPolicy));
    }

    /**
     * Text lines for recognition (see {@link TextLine}): height {@code height}, at most 512 wide, padded
     * with 0 to the widest line of the batch rounded up to 8; float [0, 1], gray or RGB as the data.
     */
    public static Transform textLine(int height) {
        return textLine(height, 512, 0, TextLine.PadPolicy.BATCH_MAX);
    }

    public static Transform textLine(int height, int maxWidth, int pad, TextLine.PadPolicy policy) {
        return compose(java.util.List.of(TextLine.of(height, maxWidth, pad)), policy);
    }

    /** The same transform with these ops appended (a pipeline only). */
    public Transform then(Op... more) {
        if (pipeline == null) {
            throw new IllegalStateException("only a composed transform takes more ops");
        }
        java.util.List<Op> ops = new java.util.ArrayList<>(pipeline.ops());
        ops.addAll(java.util.List.of(more));
        Transform t = compose(ops, pipeline.padPolicy());
        return t.withOutput(output).withChannels(t.channels == Channels.GRAY ? Channels.GRAY : channels)
                .withReducedDecode(reducedDecode);
    }

    /** How batches of text lines are cut (a pipeline with a text line only). */
    public Transform withPadPolicy(TextLine.PadPolicy policy) {
        if (pipeline == null) {
            throw new IllegalStateException("only a composed transform has a pad policy");
        }
        return new Transform(mode, resize, crop, minScale, maxScale, minRatio, maxRatio, flipProbability, brightness,
                contrast, saturation, output, mean, std, channels, reducedDecode, new Pipeline(pipeline.ops(), policy));
    }

    /** Bytes per element of the output. */
    public int elementBytes() {
        return output == Output.FLOAT_CHW ? Float.BYTES : 1;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transform t && toString().equals(t.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Transform[" + mode + ", resize=" + resize + ", crop=" + crop + ", scale=" + minScale + ".." + maxScale
                + ", ratio=" + minRatio + ".." + maxRatio + ", flip=" + flipProbability + ", jitter=" + brightness + "/"
                + contrast + "/" + saturation + ", " + output + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", " + channels + ", reducedDecode=" + reducedDecode
                + (pipeline == null ? "" : ", ops=" + pipeline.spec() + ", pad=" + pipeline.padPolicy()) + "]";
    }
}
