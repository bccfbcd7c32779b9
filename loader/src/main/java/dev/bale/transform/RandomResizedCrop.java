package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's RandomResizedCrop((h, w), scale, ratio): ten tries at an area uniform in scale x
 * area and a log-uniform aspect ratio, else a centre crop clamped to the ratio range; then resized
 * (bilinear) to h x w.
 */
public final class RandomResizedCrop extends Op {
    private final int height;
    private final int width;
    private final double minScale;
    private final double maxScale;
    private final double minRatio;
    private final double maxRatio;

    private RandomResizedCrop(int height, int width, double minScale, double maxScale, double minRatio, double maxRatio) {
        checkSize(height, width);
        if (!(0 < minScale && minScale <= maxScale && maxScale <= 1 && 0 < minRatio && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("bad RandomResizedCrop scale/ratio ranges");
        }
        this.height = height;
        this.width = width;
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
    }

    /** scale (0.08, 1), ratio (3/4, 4/3), torchvision's defaults. */
    public static RandomResizedCrop of(int size) {
        return of(size, size);
    }

    public static RandomResizedCrop of(int height, int width) {
        return new RandomResizedCrop(height, width, 0.08, 1, 3.0 / 4, 4.0 / 3);
    }

    public static RandomResizedCrop of(int height, int width, double minScale, double maxScale, double minRatio,
                                       double maxRatio) {
        return new RandomResizedCrop(height, width, minScale, maxScale, minRatio, maxRatio);
    }

    @Override
    public String spec() {
        return "rrc=" + height + "x" + width + ":" + num(minScale) + ".." + num(maxScale) + ":" + num(minRatio) + ".."
                + num(maxRatio);
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        int[] rect = draw(s.width, s.height, random);
        s.crop(rect[0], rect[1], rect[2], rect[3]);
        s.scaleTo(width, height);
    }

    /** {x, y, w, h}: torchvision's RandomResizedCrop.get_params. */
    int[] draw(int imageWidth, int imageHeight, SplittableRandom random) {
        return Planner.randomResizedCrop(imageWidth, imageHeight, minScale, maxScale, minRatio, maxRatio, random);
    }

    @Override
    void resize(int[] size) {
        size[0] = width;
        size[1] = height;
    }

    @Override
    boolean fixesSize() {
        return true;
    }
}
