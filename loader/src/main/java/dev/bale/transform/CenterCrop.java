package dev.bale.transform;

import java.util.SplittableRandom;

/**
 * torchvision's CenterCrop((h, w)): the top-left corner is {@code round((H - h) / 2)} (round half
 * to even, as Python's round); a crop larger than the image pads it with the fill value first.
 */
public final class CenterCrop extends Op {
    private final int height;
    private final int width;

    private CenterCrop(int height, int width) {
        checkSize(height, width);
        this.height = height;
        this.width = width;
    }

    public static CenterCrop of(int height, int width) {
        return new CenterCrop(height, width);
    }

    public static CenterCrop of(int size) {
        return new CenterCrop(size, size);
    }

    @Override
    public String spec() {
        return "centercrop=" + height + "x" + width;
    }

    @Override
    void apply(PlanState s, SplittableRandom random) {
        s.crop(offset(s.width, width), offset(s.height, height), width, height);
    }

    /** Where the crop starts in a side of length {@code side}; negative when it pads. */
    static int offset(int side, int crop) {
        if (crop > side) {
            return -((crop - side) / 2);
        }
        return (int) Math.rint((side - crop) / 2.0);
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
