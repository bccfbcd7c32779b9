package dev.bale.transform;

import java.util.SplittableRandom;

/** torchvision's Normalize(mean, std) on [0, 1] values, fused into the output's layout pass. */
public final class Normalize extends Op {
    private final float[] mean;
    private final float[] std;

    private Normalize(float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (a grayscale image uses the first)");
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public static Normalize of(float[] mean, float[] std) {
        return new Normalize(mean, std);
    }

    public static Normalize imagenet() {
        return new Normalize(Transform.IMAGENET_MEAN, Transform.IMAGENET_STD);
    }

    float[] mean() {
        return mean.clone();
    }

    float[] std() {
        return std.clone();
    }

    @Override
    public String spec() {
        return "normalize=" + num(mean[0]) + "x" + num(mean[1]) + "x" + num(mean[2]) + ":" + num(std[0]) + "x"
                + num(std[1]) + "x" + num(std[2]);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
    }

    @Override
    void resize(int[] size) {
    }
}
